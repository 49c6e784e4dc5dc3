package org.xtal4j.nn.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Test helper: writes a torch.save-style zip (protocol-2 pickle as PyTorch 1.13 emits it: tensors via
 * {@code torch._utils._rebuild_tensor_v2} and BINPERSID storages, dicts as {@code collections.OrderedDict},
 * Lightning's {@code AttributeDict} via NEWOBJ), independent of the reader. Values: HostTensor, String, Long,
 * Integer, Double, Boolean, null, List (as list), Map (as dict), {@link OrderedDict}, {@link AttributeDict}.
 */
public final class TorchZipWriter {

    /** A map pickled as {@code collections.OrderedDict()} + SETITEMS. */
    public record OrderedDict(Map<String, ?> map) {
    }

    /** A map pickled as {@code pytorch_lightning.utilities.parsing.AttributeDict} (NEWOBJ + SETITEMS). */
    public record AttributeDict(Map<String, ?> map) {
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final Map<String, byte[]> storages = new LinkedHashMap<>();

    private TorchZipWriter() {
    }

    public static void write(Path file, String name, Object root) throws IOException {
        TorchZipWriter w = new TorchZipWriter();
        w.out.write(0x80);
        w.out.write(2);
        w.value(root);
        w.out.write('.');
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry(name + "/data.pkl"));
            z.write(w.out.toByteArray());
            z.closeEntry();
            for (Map.Entry<String, byte[]> e : w.storages.entrySet()) {
                z.putNextEntry(new ZipEntry(name + "/data/" + e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
        }
    }

    private void str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
    }

    private void integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            out.write('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        } else {
            out.write(0x8a);
            out.write(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        }
    }

    private void global(String module, String name) {
        out.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private void items(Map<String, ?> m) throws IOException {
        out.write('(');
        for (Map.Entry<String, ?> e : m.entrySet()) {
            str(e.getKey());
            value(e.getValue());
        }
        out.write('u');
    }

    private void value(Object v) throws IOException {
        if (v == null) {
            out.write('N');
        } else if (v instanceof Boolean b) {
            out.write(b ? 0x88 : 0x89);
        } else if (v instanceof Integer i) {
            integer(i);
        } else if (v instanceof Long l) {
            integer(l);
        } else if (v instanceof Double d) {
            out.write('G');
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(d).array());
        } else if (v instanceof String s) {
            str(s);
        } else if (v instanceof List<?> l) {
            out.write(']');
            out.write('(');
            for (Object o : l) {
                value(o);
            }
            out.write('e');
        } else if (v instanceof OrderedDict od) {
            global("collections", "OrderedDict");
            out.write(')');
            out.write('R');
            items(od.map());
        } else if (v instanceof AttributeDict ad) {
            global("pytorch_lightning.utilities.parsing", "AttributeDict");
            out.write(')');
            out.write(0x81);
            items(ad.map());
        } else if (v instanceof Map<?, ?> m) {
            out.write('}');
            @SuppressWarnings("unchecked")
            Map<String, ?> sm = (Map<String, ?>) m;
            items(sm);
        } else if (v instanceof HostTensor t) {
            tensor(t);
        } else {
            throw new IllegalArgumentException("cannot pickle " + v.getClass());
        }
    }

    private void tensor(HostTensor t) {
        String key = Integer.toString(storages.size());
        byte[] bytes = new byte[(int) t.byteSize()];
        t.data().duplicate().order(ByteOrder.LITTLE_ENDIAN).get(bytes);
        storages.put(key, bytes);
        String type = switch (t.dtype()) {
            case F32 -> "FloatStorage";
            case F64 -> "DoubleStorage";
            case I64 -> "LongStorage";
            default -> throw new IllegalArgumentException("dtype " + t.dtype());
        };
        global("torch._utils", "_rebuild_tensor_v2");
        out.write('(');
        out.write('(');
        str("storage");
        global("torch", type);
        str(key);
        str("cpu");
        integer(t.numElements());
        out.write('t');
        out.write('Q');
        integer(0);
        long[] shape = t.shape();
        out.write('(');
        for (long s : shape) {
            integer(s);
        }
        out.write('t');
        out.write('(');
        long stride = 1;
        long[] strides = new long[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            strides[d] = stride;
            stride *= shape[d];
        }
        for (long s : strides) {
            integer(s);
        }
        out.write('t');
        out.write(0x89);
        global("collections", "OrderedDict");
        out.write(')');
        out.write('R');
        out.write('t');
        out.write('R');
    }
}
