package org.xtal4j.nn.io;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Just enough of Python's pickle virtual machine (protocols 2–4, the opcodes {@code torch.save} and PyTorch
 * Lightning write) to read checkpoints without Python. Nothing is ever executed: classes are
 * {@link Global} names, and a call ({@code REDUCE}/{@code NEWOBJ}) goes to the {@link Hooks}, which may build
 * a Java value or return null, in which case the result is an {@link Opaque} placeholder that records the
 * call, its state and items, so unknown objects (optimizer states, callbacks) never stop the reading.
 * Python values map to: int → Long (BigInteger if larger), float → Double, str → String, bytes → byte[],
 * bool → Boolean, None → null, list → ArrayList, tuple → unmodifiable List, dict → LinkedHashMap.
 */
public final class Unpickler {

    /** A class or function named by GLOBAL / STACK_GLOBAL. */
    public record Global(String module, String name) {
        public Global {
            Objects.requireNonNull(module);
            Objects.requireNonNull(name);
        }

        @Override
        public String toString() {
            return module + "." + name;
        }
    }

    /** An object of a class the hooks did not build: the call that made it, plus any BUILD state and items. */
    public static final class Opaque {
        private final Global type;
        private final List<Object> args;
        private Object state;
        private final List<Object> items = new ArrayList<>();
        private final Map<Object, Object> entries = new LinkedHashMap<>();

        Opaque(Global type, List<Object> args) {
            this.type = type;
            this.args = args;
        }

        public Global type() {
            return type;
        }

        public List<Object> args() {
            return args;
        }

        public Object state() {
            return state;
        }

        public List<Object> items() {
            return Collections.unmodifiableList(items);
        }

        public Map<Object, Object> entries() {
            return Collections.unmodifiableMap(entries);
        }

        @Override
        public String toString() {
            return "<" + type + ">";
        }
    }

    /** What the file's classes mean to the caller. */
    public interface Hooks {
        /** The object for a persistent id (BINPERSID); torch uses it for tensor storages. */
        Object persistentLoad(Object pid) throws IOException;

        /** The result of calling {@code callable(args)}, or null to keep an {@link Opaque} placeholder. */
        default Object call(Global callable, List<Object> args) throws IOException {
            return null;
        }
    }

    private static final Object MARK = new Object();

    private final ByteBuffer in;
    private final Hooks hooks;
    private final String source;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private Unpickler(byte[] data, Hooks hooks, String source) {
        this.in = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        this.hooks = hooks;
        this.source = source;
    }

    /**
     * Runs the pickle in {@code data} and returns the value left by STOP.
     *
     * @param source a name for error messages
     * @throws IOException for a truncated pickle, an unsupported opcode or a malformed stack
     */
    public static Object load(byte[] data, Hooks hooks, String source) throws IOException {
        return new Unpickler(data, hooks, source).run();
    }

    /** Plain values only: classes and persistent ids give placeholders / errors. */
    public static Object load(byte[] data) throws IOException {
        return load(data, pid -> {
            throw new IOException("unexpected persistent id " + pid);
        }, "pickle");
    }

    private IOException fail(String what) {
        return new IOException(source + ": " + what + " (pickle offset " + in.position() + ")");
    }

    private Object run() throws IOException {
        try {
            while (true) {
                int op = in.get() & 0xff;
                switch (op) {
                    case 0x80 -> { // PROTO
                        int proto = in.get() & 0xff;
                        if (proto > 5) {
                            throw fail("unsupported pickle protocol " + proto);
                        }
                    }
                    case 0x95 -> in.getLong(); // FRAME: framing is only a read-ahead hint
                    case '.' -> { // STOP
                        if (stack.size() != 1 || !marks.isEmpty()) {
                            throw fail("malformed pickle: " + stack.size() + " values on the stack at STOP");
                        }
                        return stack.get(0);
                    }
                    case '}' -> push(new LinkedHashMap<>());
                    case ']' -> push(new ArrayList<>());
                    case ')' -> push(Collections.unmodifiableList(new ArrayList<>()));
                    case '(' -> {
                        marks.add(stack.size());
                        stack.add(MARK);
                    }
                    case '0' -> pop();
                    case '1' -> popMark();
                    case '2' -> push(peek());
                    case 'X' -> push(string(u32()));
                    case 0x8c -> push(string(in.get() & 0xff));
                    case 0x8d -> push(string(len64()));
                    case 'C' -> push(bytes(in.get() & 0xff));
                    case 'B' -> push(bytes(u32()));
                    case 0x8e -> push(bytes(len64()));
                    case 'J' -> push((long) in.getInt());
                    case 'K' -> push((long) (in.get() & 0xff));
                    case 'M' -> push((long) (in.getShort() & 0xffff));
                    case 0x8a -> push(longN(in.get() & 0xff));
                    case 0x8b -> push(longN(u32()));
                    case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian
                    case 0x88 -> push(Boolean.TRUE);
                    case 0x89 -> push(Boolean.FALSE);
                    case 'N' -> push(null);
                    case 0x85 -> push(tuple(java.util.Arrays.asList(pop())));
                    case 0x86 -> {
                        Object b = pop();
                        Object a = pop();
                        push(tuple(a, b));
                    }
                    case 0x87 -> {
                        Object c = pop();
                        Object b = pop();
                        Object a = pop();
                        push(tuple(a, b, c));
                    }
                    case 't' -> push(tuple(popMark()));
                    case 'l' -> push(new ArrayList<>(popMark()));
                    case 'd' -> {
                        List<Object> kv = popMark();
                        Map<Object, Object> d = new LinkedHashMap<>();
                        putAll(d, kv);
                        push(d);
                    }
                    case 's' -> {
                        Object v = pop();
                        Object k = pop();
                        setItems(peek(), java.util.Arrays.asList(k, v));
                    }
                    case 'u' -> {
                        List<Object> kv = popMark();
                        setItems(peek(), kv);
                    }
                    case 'a' -> {
                        Object item = pop();
                        appendAll(peek(), java.util.Arrays.asList(item));
                    }
                    case 'e' -> {
                        List<Object> items = popMark();
                        appendAll(peek(), items);
                    }
                    case 'c' -> push(new Global(line(), line()));
                    case 0x93 -> {
                        Object name = pop();
                        Object module = pop();
                        push(new Global(String.valueOf(module), String.valueOf(name)));
                    }
                    case 'R', 0x81 -> { // REDUCE, NEWOBJ: callable/class and an argument tuple
                        Object args = pop();
                        Object callable = pop();
                        push(call(callable, args));
                    }
                    case 'b' -> {
                        Object state = pop();
                        build(state, peek());
                    }
                    case 'Q' -> push(hooks.persistentLoad(pop()));
                    case 'h' -> push(get(in.get() & 0xff));
                    case 'j' -> push(get(u32()));
                    case 'q' -> memo.put(in.get() & 0xff, peek());
                    case 'r' -> memo.put(u32(), peek());
                    case 0x94 -> memo.put(memo.size(), peek());
                    default -> throw fail(String.format("unsupported pickle opcode 0x%02x", op));
                }
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw fail("the pickle ends before STOP (truncated file?)");
        }
    }

    private void push(Object o) {
        stack.add(o);
    }

    private Object pop() throws IOException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw fail("malformed pickle: stack underflow");
        }
        return stack.remove(stack.size() - 1);
    }

    private Object peek() throws IOException {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw fail("malformed pickle: stack underflow");
        }
        return stack.get(stack.size() - 1);
    }

    private List<Object> popMark() throws IOException {
        if (marks.isEmpty()) {
            throw fail("malformed pickle: no MARK");
        }
        int at = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(at + 1, stack.size()));
        stack.subList(at, stack.size()).clear();
        return items;
    }

    private Object get(int key) throws IOException {
        if (!memo.containsKey(key)) {
            throw fail("malformed pickle: memo key " + key + " not set");
        }
        return memo.get(key);
    }

    private int u32() throws IOException {
        int n = in.getInt();
        if (n < 0) {
            throw fail("length " + Integer.toUnsignedString(n) + " too large");
        }
        return n;
    }

    private int len64() throws IOException {
        long n = in.getLong();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw fail("length " + n + " too large");
        }
        return (int) n;
    }

    private byte[] bytes(int n) throws IOException {
        if (n > in.remaining()) {
            throw fail("the pickle ends inside a " + n + "-byte string (truncated file?)");
        }
        byte[] b = new byte[n];
        in.get(b);
        return b;
    }

    private String string(int n) throws IOException {
        return new String(bytes(n), StandardCharsets.UTF_8);
    }

    private String line() throws IOException {
        int start = in.position();
        while (in.get() != '\n') {
            // scan to the newline
        }
        byte[] b = new byte[in.position() - start - 1];
        in.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Little-endian two's-complement integer of n bytes (LONG1 / LONG4). */
    private Object longN(int n) throws IOException {
        byte[] le = bytes(n);
        if (n == 0) {
            return 0L;
        }
        byte[] be = new byte[n];
        for (int i = 0; i < n; i++) {
            be[i] = le[n - 1 - i];
        }
        BigInteger v = new BigInteger(be);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    private static List<Object> tuple(Object... items) {
        return tuple(java.util.Arrays.asList(items));
    }

    private static List<Object> tuple(List<Object> items) {
        List<Object> copy = new ArrayList<>(items.size());
        copy.addAll(items);
        return Collections.unmodifiableList(copy);
    }

    private void putAll(Map<Object, Object> d, List<Object> kv) throws IOException {
        if (kv.size() % 2 != 0) {
            throw fail("malformed pickle: odd number of dict items");
        }
        for (int i = 0; i < kv.size(); i += 2) {
            d.put(kv.get(i), kv.get(i + 1));
        }
    }

    @SuppressWarnings("unchecked")
    private void setItems(Object target, List<Object> kv) throws IOException {
        if (target instanceof Map<?, ?> m) {
            putAll((Map<Object, Object>) m, kv);
        } else if (target instanceof Opaque o) {
            putAll(o.entries, kv);
        } else {
            throw fail("malformed pickle: SETITEM on " + describe(target));
        }
    }

    @SuppressWarnings("unchecked")
    private void appendAll(Object target, List<Object> items) throws IOException {
        List<Object> dest;
        if (target instanceof ArrayList<?> l) {
            dest = (List<Object>) l;
        } else if (target instanceof Opaque o) {
            dest = o.items;
        } else {
            throw fail("malformed pickle: APPEND on " + describe(target));
        }
        dest.addAll(items);
    }

    @SuppressWarnings("unchecked")
    private Object call(Object callable, Object args) throws IOException {
        if (!(callable instanceof Global g)) {
            throw fail("malformed pickle: call of " + describe(callable));
        }
        if (!(args instanceof List<?> a)) {
            throw fail("malformed pickle: arguments of " + g + " are not a tuple");
        }
        List<Object> argList = (List<Object>) a;
        Object r = hooks.call(g, argList);
        if (r != null) {
            return r;
        }
        if (g.module().equals("collections") && g.name().equals("OrderedDict") && argList.isEmpty()) {
            return new LinkedHashMap<>();
        }
        if (g.module().equals("builtins") && (g.name().equals("dict") || g.name().equals("object"))
                && argList.isEmpty()) {
            return g.name().equals("dict") ? new LinkedHashMap<>() : new Opaque(g, argList);
        }
        if (g.name().equals("AttributeDict") && argList.isEmpty()) {
            return new LinkedHashMap<>(); // pytorch_lightning's dict subclass
        }
        return new Opaque(g, argList);
    }

    @SuppressWarnings("unchecked")
    private void build(Object state, Object target) throws IOException {
        if (target instanceof Opaque o) {
            o.state = state;
        } else if (target instanceof Map<?, ?> m && state instanceof Map<?, ?> s) {
            ((Map<Object, Object>) m).putAll(s); // attributes of a dict subclass
        }
        // BUILD on anything else (e.g. tensors' empty state) carries nothing we need
    }

    private static String describe(Object o) {
        return o == null ? "None" : o.getClass().getSimpleName() + " " + o;
    }
}
