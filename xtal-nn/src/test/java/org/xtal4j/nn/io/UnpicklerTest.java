package org.xtal4j.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pickle VM on hand-assembled byte sequences (the opcodes as {@code pickletools} documents them, written
 * here independently of the reader), and {@link TorchCheckpoint} on a hand-built torch.save zip.
 */
class UnpicklerTest {

    /** A tiny pickle assembler: each method appends one opcode. */
    static final class P {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        P op(int b) {
            out.write(b);
            return this;
        }

        P proto(int v) {
            return op(0x80).op(v);
        }

        P str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            if (b.length < 256) {
                op(0x8c).op(b.length);
            } else {
                op('X').i32(b.length);
            }
            out.writeBytes(b);
            return this;
        }

        P ustr(String s) { // BINUNICODE
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            op('X').i32(b.length);
            out.writeBytes(b);
            return this;
        }

        P i32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).array());
            return this;
        }

        P integer(long v) {
            if (v >= 0 && v < 256) {
                return op('K').op((int) v);
            }
            if (v >= 0 && v < 65536) {
                return op('M').op((int) (v & 0xff)).op((int) (v >> 8));
            }
            if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                return op('J').i32((int) v);
            }
            op(0x8a).op(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
            return this;
        }

        P dbl(double v) {
            op('G');
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(v).array());
            return this;
        }

        P global(String module, String name) {
            op('c');
            out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
            return this;
        }

        P put(int i) {
            return op('q').op(i);
        }

        P get(int i) {
            return op('h').op(i);
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void readsPlainValues() throws Exception {
        // {'a': [1, 300, -5, 2**40, 1.5, True, False, None, 'é'], 'b': (1, 2), 'c': ((),), 'd': <memo of 'a'>}
        P p = new P().proto(2).op('}').put(0).op('(')
                .str("a").op(']').put(1).op('(')
                .integer(1).integer(300).integer(-5).integer(1L << 40).dbl(1.5).op(0x88).op(0x89).op('N').ustr("é")
                .op('e')
                .str("b").integer(1).integer(2).op(0x86)
                .str("c").op(')').op(0x85)
                .str("d").get(1)
                .op('u').op('.');
        Object o = Unpickler.load(p.bytes());
        assertThat(o).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<Object, Object> m = (Map<Object, Object>) o;
        assertThat(m.keySet()).containsExactly("a", "b", "c", "d");
        assertThat((List<Object>) m.get("a")).containsExactly(1L, 300L, -5L, 1L << 40, 1.5, true, false, null, "é");
        assertThat((List<Object>) m.get("b")).containsExactly(1L, 2L);
        assertThat((List<Object>) m.get("c")).hasSize(1);
        assertThat(m.get("d")).isSameAs(m.get("a"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void orderedDictAndUnknownClassesBecomeMapsAndPlaceholders() throws Exception {
        // OrderedDict() with SETITEM; an unknown class called with args, then BUILD with a state dict, and
        // pytorch_lightning's AttributeDict via NEWOBJ
        P p = new P().proto(2).op(']').put(0)
                .global("collections", "OrderedDict").op(')').op('R').str("k").integer(7).op('s').op('a')
                .global("torch.optim.adamw", "AdamW").str("x").op(0x85).op('R').op('}').str("lr").dbl(0.1).op('s')
                .op('b').op('a')
                .global("pytorch_lightning.utilities.parsing", "AttributeDict").op(')').op(0x81)
                .str("lr").dbl(5e-4).op('s').op('a')
                .op('.');
        @SuppressWarnings("unchecked")
        List<Object> l = (List<Object>) Unpickler.load(p.bytes());
        assertThat(l).hasSize(3);
        assertThat((Map<Object, Object>) l.get(0)).containsExactly(Map.entry("k", 7L));
        Unpickler.Opaque opaque = (Unpickler.Opaque) l.get(1);
        assertThat(opaque.type()).isEqualTo(new Unpickler.Global("torch.optim.adamw", "AdamW"));
        assertThat(opaque.args()).containsExactly("x");
        assertThat((Map<Object, Object>) opaque.state()).containsEntry("lr", 0.1);
        assertThat((Map<Object, Object>) l.get(2)).containsEntry("lr", 5e-4);
    }

    @Test
    void truncatedAndMalformedPicklesAreClearErrors() {
        byte[] ok = new P().proto(2).op('}').str("key").integer(1).op('s').op('.').bytes();
        byte[] cut = Arrays.copyOf(ok, ok.length - 3);
        assertThatThrownBy(() -> Unpickler.load(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> Unpickler.load(new byte[] {(byte) 0x80, 2, (byte) 0xff}))
                .hasMessageContaining("unsupported pickle opcode 0xff");
        assertThatThrownBy(() -> Unpickler.load(new byte[] {(byte) 0x80, 2, 's', '.'}))
                .hasMessageContaining("stack underflow");
        assertThatThrownBy(() -> Unpickler.load(new byte[] {(byte) 0x80, 2, 'h', 3, '.'}))
                .hasMessageContaining("memo key 3");
    }

    /**
     * A torch.save zip as PyTorch writes it: {'w': tensor (2,3) float32 from storage "0" at offset 1,
     * transposed view of storage "1" (3,2) with strides (1,3) as float64, 'n': int64 scalar}.
     */
    static byte[] pickleOfTensors() {
        P p = new P().proto(2).op('}').put(0).op('(');
        p.str("w").global("torch._utils", "_rebuild_tensor_v2").put(1).op('(')
                .op('(').str("storage").global("torch", "FloatStorage").str("0").str("cpu").integer(7).op('t')
                .op('Q').integer(1).integer(2).integer(3).op(0x86).integer(3).integer(1).op(0x86).op(0x89)
                .global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        p.str("t").get(1).op('(')
                .op('(').str("storage").global("torch", "DoubleStorage").str("1").str("cpu").integer(6).op('t')
                .op('Q').integer(0).integer(3).integer(2).op(0x86).integer(1).integer(3).op(0x86).op(0x89)
                .global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        p.str("n").get(1).op('(')
                .op('(').str("storage").global("torch", "LongStorage").str("2").str("cpu").integer(1).op('t')
                .op('Q').integer(0).op(')').op(')').op(0x89)
                .global("collections", "OrderedDict").op(')').op('R').op('t').op('R');
        p.op('u').op('.');
        return p.bytes();
    }

    static void writeZip(Path file, String name, byte[] pickle, Map<String, byte[]> storages) throws IOException {
        try (OutputStream os = Files.newOutputStream(file); ZipOutputStream z = new ZipOutputStream(os)) {
            z.putNextEntry(new ZipEntry(name + "/data.pkl"));
            z.write(pickle);
            z.closeEntry();
            for (Map.Entry<String, byte[]> e : storages.entrySet()) {
                z.putNextEntry(new ZipEntry(name + "/data/" + e.getKey()));
                z.write(e.getValue());
                z.closeEntry();
            }
            z.putNextEntry(new ZipEntry(name + "/version"));
            z.write("3\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
        }
    }

    @Test
    void readsTensorsOfATorchZip(@TempDir Path dir) throws Exception {
        ByteBuffer f = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 7; i++) {
            f.putFloat(i * 10f);
        }
        ByteBuffer d = ByteBuffer.allocate(48).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 6; i++) {
            d.putDouble(i + 0.5);
        }
        byte[] n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(-42).array();
        Path file = dir.resolve("tiny.ckpt");
        writeZip(file, "tiny", pickleOfTensors(), Map.of("0", f.array(), "1", d.array(), "2", n));
        TorchCheckpoint cp = TorchCheckpoint.read(file);
        HostTensor w = (HostTensor) cp.get("w");
        assertThat(w.dtype()).isEqualTo(DType.F32);
        assertThat(w.shape()).containsExactly(2, 3);
        assertThat(w.toFloatArray()).containsExactly(10f, 20f, 30f, 40f, 50f, 60f);
        HostTensor t = (HostTensor) cp.get("t");
        assertThat(t.dtype()).isEqualTo(DType.F64);
        // element (r, c) = storage[r + 3c]
        assertThat(t.toDoubleArray()).containsExactly(0.5, 3.5, 1.5, 4.5, 2.5, 5.5);
        HostTensor s = (HostTensor) cp.get("n");
        assertThat(s.shape()).isEmpty();
        assertThat(s.toLongArray()).containsExactly(-42L);
    }

    @Test
    void nonZipTruncatedAndForeignZipsAreClearErrors(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("notes.ckpt");
        Files.writeString(text, "this is not a checkpoint");
        assertThatThrownBy(() -> TorchCheckpoint.read(text)).isInstanceOf(IOException.class)
                .hasMessageContaining("notes.ckpt").hasMessageContaining("not a PyTorch checkpoint");

        Path good = dir.resolve("good.ckpt");
        ByteBuffer f = ByteBuffer.allocate(28);
        writeZip(good, "good", pickleOfTensors(), Map.of("0", f.array(), "1", new byte[48], "2", new byte[8]));
        byte[] all = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.ckpt");
        Files.write(cut, Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> TorchCheckpoint.read(cut)).isInstanceOf(IOException.class)
                .hasMessageContaining("cut.ckpt").hasMessageContaining("truncated");

        Path foreign = dir.resolve("foreign.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(foreign))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write(1);
            z.closeEntry();
        }
        assertThatThrownBy(() -> TorchCheckpoint.read(foreign)).hasMessageContaining("no <name>/data.pkl");

        Path missing = dir.resolve("missing.ckpt");
        writeZip(missing, "m", pickleOfTensors(), Map.of("0", new byte[28]));
        assertThatThrownBy(() -> TorchCheckpoint.read(missing)).hasMessageContaining("m/data/1 is missing");
    }
}
