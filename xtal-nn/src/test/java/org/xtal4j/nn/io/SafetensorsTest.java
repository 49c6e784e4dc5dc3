package org.xtal4j.nn.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xtal4j.nn.Backend;

class SafetensorsTest {

    @TempDir
    Path dir;

    private static NamedTensors sample() {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        t.put("w.f64", HostTensor.ofDoubles(new double[] {1.5, -2.25, Math.PI, 1e-300, Double.MAX_VALUE, -0.0},
                2, 3));
        t.put("w.f32", HostTensor.ofFloats(new float[] {1f, -3.5f, Float.MIN_VALUE, Float.NaN}, 4));
        t.put("idx.i64", HostTensor.ofLongs(new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 3, 1));
        t.put("idx.i32", HostTensor.ofInts(new int[] {7, -8}, 2));
        t.put("scalar", HostTensor.ofFloats(new float[] {42f}));
        t.put("empty", HostTensor.ofFloats(new float[0], 0, 3));
        // 1.0, -2.0, 65504 (max), smallest subnormal 2^-24 as IEEE half bits
        t.put("half", HostTensor.ofBytes(DType.F16, new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0, (byte) 0xff, 0x7b,
            0x01, 0x00}, 4));
        t.put("bf16", HostTensor.ofBytes(DType.BF16, new byte[] {(byte) 0x80, 0x3f, 0x49, 0x40}, 2)); // 1.0, 3.140625
        t.put("i16", HostTensor.ofBytes(DType.I16, new byte[] {(byte) 0xff, (byte) 0xff, 0x10, 0x00}, 2));
        t.put("i8", HostTensor.ofBytes(DType.I8, new byte[] {(byte) 0x80, 0x7f}, 2));
        t.put("u8", HostTensor.ofBytes(DType.U8, new byte[] {(byte) 0xff, 0x01}, 2));
        t.put("mask", HostTensor.ofBytes(DType.BOOL, new byte[] {1, 0, 1}, 3));
        return new NamedTensors(t, Map.of("format", "pt", "note", "ünïcode"), null);
    }

    @Test
    void roundTripOfEveryDtypeEmptyTensorsAndMetadata() throws Exception {
        NamedTensors original = sample();
        Path f = dir.resolve("all.safetensors");
        Safetensors.write(f, original);
        NamedTensors back = Safetensors.read(f);
        assertThat(back).isEqualTo(original);
        assertThat(back.metadata()).containsEntry("note", "ünïcode");
        assertThat(back.source()).isEqualTo(f.toString());
        assertThat(back.get("w.f64").toDoubleArray()).containsExactly(1.5, -2.25, Math.PI, 1e-300,
                Double.MAX_VALUE, -0.0);
        assertThat(back.get("w.f64").shape()).containsExactly(2, 3);
        assertThat(Float.isNaN(back.get("w.f32").toFloatArray()[3])).isTrue();
        assertThat(back.get("idx.i64").toLongArray()).containsExactly(Long.MIN_VALUE, 0, Long.MAX_VALUE);
        assertThat(back.get("idx.i32").toIntArray()).containsExactly(7, -8);
        assertThat(back.get("scalar").rank()).isZero();
        assertThat(back.get("scalar").toDoubleArray()).containsExactly(42.0);
        assertThat(back.get("empty").numElements()).isZero();
        assertThat(back.get("empty").shape()).containsExactly(0, 3);
        assertThat(back.get("half").toDoubleArray()).containsExactly(1.0, -2.0, 65504.0, Math.pow(2, -24));
        assertThat(back.get("bf16").toDoubleArray()).containsExactly(1.0, 3.140625);
        assertThat(back.get("i16").toLongArray()).containsExactly(-1, 16);
        assertThat(back.get("i8").toLongArray()).containsExactly(-128, 127);
        assertThat(back.get("u8").toLongArray()).containsExactly(255, 1);
        assertThat(back.get("mask").toLongArray()).containsExactly(1, 0, 1);
        // bytes are stable: writing what was read gives the same file
        assertThat(Safetensors.toBytes(back)).isEqualTo(Files.readAllBytes(f));
    }

    @Test
    void layoutFollowsTheFormat() throws Exception {
        byte[] bytes = Safetensors.toBytes(sample());
        long n = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        assertThat(n % 8).isZero();
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertThat(header).startsWith("{\"__metadata__\":{");
        // 8-byte types first (then by name), so every tensor is aligned to its element size
        assertThat(header).contains("\"idx.i64\":{\"dtype\":\"I64\",\"shape\":[3,1],\"data_offsets\":[0,24]}");
        assertThat(header).contains("\"w.f64\":{\"dtype\":\"F64\",\"shape\":[2,3],\"data_offsets\":[24,72]}");
        assertThat(header).contains("\"u8\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[121,123]}");
        assertThat(bytes.length).isEqualTo(8 + n + 123);
        ByteBuffer data = ByteBuffer.wrap(bytes, 8 + (int) n + 24, 8).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(data.getDouble()).isEqualTo(1.5);
    }

    @Test
    void emptyFileOfTensorsRoundTrips() throws Exception {
        NamedTensors none = new NamedTensors(Map.of());
        NamedTensors back = Safetensors.read(Safetensors.toBytes(none), "none");
        assertThat(back.size()).isZero();
        assertThat(back.metadata()).isEmpty();
    }

    @Test
    void readsHandWrittenReferenceBytes() throws Exception {
        // as written by the reference Python implementation: header padded with spaces
        String json = "{\"b\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        byte[] bytes = file(json + "   ", new byte[] {0, 0, (byte) 0x80, 0x3f, 0, 0, 0, (byte) 0xc0, 5, 0, 0, 0, 0,
            0, 0, 0});
        NamedTensors t = Safetensors.read(bytes, "ref.safetensors");
        assertThat(t.names()).containsExactly("b", "a");
        assertThat(t.get("a").toFloatArray()).containsExactly(1f, -2f);
        assertThat(t.get("b").toLongArray()).containsExactly(5L);
    }

    @Test
    void corruptedFilesGiveClearErrorsNamingTheFile() {
        byte[] eight = new byte[8];
        String ok = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertError(new byte[3], "too short");
        assertError(lengthPrefix(1000, new byte[10]), "header length 1000 does not fit");
        assertError(lengthPrefix(-1, new byte[10]), "does not fit");
        assertError(file("{not json", eight), "header is not valid JSON");
        assertError(file("[1,2]", eight), "not a JSON object");
        assertError(file("{\"a\":{\"dtype\":\"F33\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
                "tensor 'a': unsupported dtype 'F33'");
        assertError(file("{\"a\":{\"dtype\":\"f32\",\"shape\":[2],\"data_offsets\":[0,8]}}", eight),
                "unsupported dtype 'f32'");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", eight),
                "tensor 'a': F32 shape [3] needs 12 bytes but data_offsets [0, 8] give 8");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", eight),
                "shape entry -2 is not a non-negative integer");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]}}", eight),
                "run past the end of the data (8 bytes)");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", eight),
                "end before they begin");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", eight),
                "data_offsets must have 2 entries");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", eight), "data_offsets is missing");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", eight),
                "unknown key 'x'");
        assertError(file("{" + ok + ",\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                "tensors 'a' [0, 8) and 'b' [4, 8) overlap");
        assertError(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight),
                "4 unused bytes before tensor 'a'");
        assertError(file("{" + ok + "}", new byte[12]), "the data section has 12 bytes but the tensors cover 8");
        assertError(file("{" + ok + "," + ok + "}", eight), "Duplicate field 'a'");
        assertError(file("{" + ok + ",\"__metadata__\":{\"k\":3}}", eight), "value of 'k' is not a string");
    }

    @Test
    void missingFileAndMissingTensorAreClear() {
        Path f = dir.resolve("nope.safetensors");
        assertThatThrownBy(() -> Safetensors.read(f)).isInstanceOf(SafetensorsException.class)
                .hasMessage(f + ": no such file");
        assertThatThrownBy(() -> sample().withSource("w.safetensors").get("nothing"))
                .hasMessageContaining("w.safetensors: no tensor 'nothing'; it has [w.f64, w.f32");
        assertThatThrownBy(() -> sample().withSource("w.safetensors").get("w.f64", 3, 2))
                .hasMessage("w.safetensors: tensor 'w.f64' has shape [2, 3], expected [3, 2]");
    }

    @Test
    void ndListRoundTripKeepsNamesDtypesAndValues() throws Exception {
        try (NDManager m = Backend.get().newManager()) {
            NDList list = sample().toNDList(m);
            assertThat(list).hasSize(12);
            NDArray w = list.get(0);
            assertThat(w.getName()).isEqualTo("w.f64");
            assertThat(w.getDataType()).isEqualTo(DataType.FLOAT64);
            assertThat(w.getShape().getShape()).containsExactly(2, 3);
            assertThat(w.toDoubleArray()).containsExactly(1.5, -2.25, Math.PI, 1e-300, Double.MAX_VALUE, -0.0);
            NamedTensors back = NamedTensors.fromNDList(list, sample().metadata());
            // DJL 0.32 cannot hold bfloat16 / int16: they arrive widened (exactly) to float32 / int32
            assertThat(back.get("bf16").dtype()).isEqualTo(DType.F32);
            assertThat(back.get("bf16").toDoubleArray()).containsExactly(1.0, 3.140625);
            assertThat(back.get("i16").dtype()).isEqualTo(DType.I32);
            assertThat(back.get("i16").toLongArray()).containsExactly(-1, 16);
            for (String name : sample().names()) {
                if (!name.equals("bf16") && !name.equals("i16")) {
                    assertThat(back.get(name)).as(name).isEqualTo(sample().get(name));
                }
            }
            assertThat(back.metadata()).isEqualTo(sample().metadata());
            // a transposed (non-contiguous) array is stored in row-major order of its logical shape
            NDArray tr = m.create(new float[] {1, 2, 3, 4, 5, 6}).reshape(2, 3).transpose();
            tr.setName("t");
            HostTensor t = NamedTensors.fromNDList(new NDList(tr), Map.of()).get("t");
            assertThat(t.shape()).containsExactly(3, 2);
            assertThat(t.toFloatArray()).containsExactly(1, 4, 2, 5, 3, 6);
            assertThat(t.toNDArray(m, DataType.FLOAT64).toDoubleArray()).containsExactly(1, 4, 2, 5, 3, 6);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void assertError(byte[] bytes, String message) {
        assertThatThrownBy(() -> Safetensors.read(bytes, "bad.safetensors"))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith("bad.safetensors: ")
                .hasMessageContaining(message);
    }

    private static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    private static byte[] lengthPrefix(long n, byte[] rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(n).array());
        out.writeBytes(rest);
        return out.toByteArray();
    }
}
