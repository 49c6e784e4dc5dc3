package org.xtal4j.nn.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Reads a {@code torch.save} file in the zip format of PyTorch ≥ 1.6 ({@code <name>/data.pkl} plus one raw
 * little-endian storage per tensor in {@code <name>/data/<key>}) without Python. Tensors
 * ({@code torch._utils._rebuild_tensor_v2}) become {@link HostTensor}s (copied into C order, whatever their
 * strides); other objects follow {@link Unpickler}'s mapping, unknown classes become placeholders.
 * The legacy (pre-1.6, non-zip) format is not supported.
 */
public final class TorchCheckpoint {

    private final Object root;
    private final String source;

    private TorchCheckpoint(Object root, String source) {
        this.root = root;
        this.source = source;
    }

    /** The unpickled top-level object (for Lightning checkpoints a Map). */
    public Object root() {
        return root;
    }

    public String source() {
        return source;
    }

    /** A top-level entry of a dict checkpoint, or null. */
    public Object get(String key) {
        return root instanceof Map<?, ?> m ? m.get(key) : null;
    }

    /** Reads and unpickles {@code file}. */
    public static TorchCheckpoint read(Path file) throws IOException {
        String src = file.toString();
        if (!Files.isRegularFile(file)) {
            throw new IOException(src + ": no such file");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry pkl = null;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry z = e.nextElement();
                String n = z.getName();
                if (n.equals("data.pkl") || n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9) {
                    pkl = z;
                    break;
                }
            }
            if (pkl == null) {
                throw new IOException(src + ": a zip file but not a PyTorch checkpoint (no <name>/data.pkl entry)");
            }
            String prefix = pkl.getName().substring(0, pkl.getName().length() - "data.pkl".length());
            byte[] pickle = readEntry(zip, pkl, src);
            Map<String, byte[]> storages = new HashMap<>();
            Unpickler.Hooks hooks = new Unpickler.Hooks() {
                @Override
                public Object persistentLoad(Object pid) throws IOException {
                    return storage(zip, prefix, pid, storages, src);
                }

                @Override
                public Object call(Unpickler.Global g, List<Object> args) throws IOException {
                    if (g.module().equals("torch._utils") && g.name().equals("_rebuild_tensor_v2")) {
                        return rebuild(args, src);
                    }
                    return null;
                }
            };
            return new TorchCheckpoint(Unpickler.load(pickle, hooks, src + ":" + pkl.getName()), src);
        } catch (ZipException e) {
            throw new IOException(src + ": not a PyTorch checkpoint in the zip format of torch.save (PyTorch >= 1.6)"
                    + " or the file is truncated (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] readEntry(ZipFile zip, ZipEntry z, String src) throws IOException {
        try (InputStream s = zip.getInputStream(z)) {
            return s.readAllBytes();
        } catch (ZipException | java.io.EOFException e) {
            throw new IOException(src + ": cannot read zip entry " + z.getName() + " (truncated file?): "
                    + e.getMessage(), e);
        }
    }

    /** A raw storage: its element type and little-endian bytes. */
    record Storage(DType dtype, byte[] bytes) {
    }

    private static Storage storage(ZipFile zip, String prefix, Object pid, Map<String, byte[]> cache, String src)
            throws IOException {
        // ('storage', <class torch.XStorage>, key, location, numel)
        if (!(pid instanceof List<?> t) || t.size() < 5 || !"storage".equals(t.get(0))
                || !(t.get(1) instanceof Unpickler.Global type)) {
            throw new IOException(src + ": unexpected persistent id " + pid);
        }
        DType dtype = storageType(type, src);
        String key = String.valueOf(t.get(2));
        byte[] bytes = cache.get(key);
        if (bytes == null) {
            ZipEntry z = zip.getEntry(prefix + "data/" + key);
            if (z == null) {
                throw new IOException(src + ": storage " + prefix + "data/" + key + " is missing");
            }
            bytes = readEntry(zip, z, src);
            cache.put(key, bytes);
        }
        long numel = ((Number) t.get(4)).longValue();
        if (bytes.length < numel * dtype.size()) {
            throw new IOException(src + ": storage " + key + " holds " + bytes.length + " bytes, " + numel + " "
                    + dtype + " elements expected");
        }
        return new Storage(dtype, bytes);
    }

    private static DType storageType(Unpickler.Global g, String src) throws IOException {
        return switch (g.name()) {
            case "FloatStorage" -> DType.F32;
            case "DoubleStorage" -> DType.F64;
            case "HalfStorage" -> DType.F16;
            case "BFloat16Storage" -> DType.BF16;
            case "LongStorage" -> DType.I64;
            case "IntStorage" -> DType.I32;
            case "ShortStorage" -> DType.I16;
            case "CharStorage" -> DType.I8;
            case "ByteStorage" -> DType.U8;
            case "BoolStorage" -> DType.BOOL;
            default -> throw new IOException(src + ": unsupported storage type " + g);
        };
    }

    /** _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks[, metadata]). */
    private static HostTensor rebuild(List<Object> args, String src) throws IOException {
        if (args.size() < 4 || !(args.get(0) instanceof Storage st) || !(args.get(2) instanceof List<?> size)
                || !(args.get(3) instanceof List<?> stride) || size.size() != stride.size()) {
            throw new IOException(src + ": malformed tensor record " + args);
        }
        long offset = ((Number) args.get(1)).longValue();
        int rank = size.size();
        long[] shape = new long[rank];
        long[] strides = new long[rank];
        long n = 1;
        for (int d = 0; d < rank; d++) {
            shape[d] = ((Number) size.get(d)).longValue();
            strides[d] = ((Number) stride.get(d)).longValue();
            n *= shape[d];
        }
        int es = st.dtype().size();
        byte[] out = new byte[Math.toIntExact(n * es)];
        long[] idx = new long[rank];
        for (long k = 0; k < n; k++) {
            long at = offset;
            for (int d = 0; d < rank; d++) {
                at += idx[d] * strides[d];
            }
            if (at < 0 || (at + 1) * es > st.bytes().length) {
                throw new IOException(src + ": tensor element outside its storage");
            }
            System.arraycopy(st.bytes(), (int) (at * es), out, (int) (k * es), es);
            for (int d = rank - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return HostTensor.ofBytes(st.dtype(), out, shape);
    }

    /**
     * The tensors of a state-dict entry (e.g. "state_dict"; null: the top-level dict itself), in file order;
     * non-tensor values are skipped.
     */
    public Map<String, HostTensor> tensors(String key) throws IOException {
        Object sd = key == null ? root : get(key);
        if (!(sd instanceof Map<?, ?> m)) {
            throw new IOException(source + ": no '" + key + "' dictionary in the checkpoint");
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            if (v instanceof HostTensor h) {
                out.put(String.valueOf(k), h);
            }
        });
        return out;
    }
}
