package org.xtal4j.nn;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import ai.djl.util.cuda.CudaUtils;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deep-learning backend: DJL with the PyTorch engine, initialised once per JVM with the settings of
 * specs/djl-backend.md.
 *
 * <p>Initialisation (first call of {@link #get()} or {@link #initialise(Options)}):
 * <ul>
 *   <li>offline mode ({@code ai.djl.offline=true}): never download natives, no telemetry; the CPU
 *       native comes from the {@code pytorch-native-cpu} jar (or cu124 with {@code -Pcuda});</li>
 *   <li>threads: {@code num_interop_threads=1}; intra-op threads from the options, else from
 *       {@code ai.djl.pytorch.num_threads}, else all cores (use 1 on a shared CI box, §5.4);</li>
 *   <li>flush denormals to zero (FTZ/DAZ) through JNA, on the calling thread before the first parallel op
 *       so that the OpenMP workers inherit it (≈50x slower float32 maths on denormals otherwise, §5.2);</li>
 *   <li>jemalloc: only detected; when it is not preloaded, {@link #hints()} says how to preload it.</li>
 * </ul>
 * The instance is immutable apart from the per-thread FTZ state; {@link #get()} and
 * {@link #ensureFlushDenormal()} switch FTZ on for the calling thread when it is off there.
 */
public final class Backend {

    private static final Logger LOG = LoggerFactory.getLogger(Backend.class);
    private static final String ENGINE = "PyTorch";
    private static final String JEMALLOC_CONF = "dirty_decay_ms:-1,muzzy_decay_ms:-1";
    private static Backend instance;
    private static volatile float denormalProbe = Float.MIN_NORMAL;

    /** What to ask for at initialisation; threads ≤ 0 means "from system property, else all cores". */
    public record Options(Precision precision, int threads) {
        public Options {
            Objects.requireNonNull(precision, "precision");
        }

        public static Options defaults() {
            return new Options(Precision.FLOAT32, 0);
        }

        public Options withPrecision(Precision p) {
            return new Options(p, threads);
        }

        public Options withThreads(int n) {
            return new Options(precision, n);
        }
    }

    private final Engine engine;
    private final Device device;
    private final String deviceDescription;
    private final Precision precision;
    private final int threads;
    private final int interopThreads;
    private final boolean flushDenormalRequested;
    private final boolean jemallocLoaded;
    private final long startupMillis;
    private final List<String> hints;

    private Backend(Engine engine, Device device, String deviceDescription, Precision precision,
                    boolean ftz, boolean jemalloc, long startupMillis, List<String> hints) {
        this.engine = engine;
        this.device = device;
        this.deviceDescription = deviceDescription;
        this.precision = precision;
        this.threads = JniUtils.getNumThreads();
        this.interopThreads = JniUtils.getNumInteropThreads();
        this.flushDenormalRequested = ftz;
        this.jemallocLoaded = jemalloc;
        this.startupMillis = startupMillis;
        this.hints = List.copyOf(hints);
    }

    /**
     * The backend, initialised with {@link Options#defaults()} if nobody initialised it before. Also makes
     * sure FTZ is on for the calling thread (see {@link #ensureFlushDenormal()}).
     */
    public static Backend get() {
        Backend b;
        synchronized (Backend.class) {
            b = instance != null ? instance : initialise(Options.defaults());
        }
        b.ensureFlushDenormal();
        return b;
    }

    /**
     * Initialises the engine (first call) or returns the existing backend with the requested precision
     * and intra-op thread count (later calls; interop threads cannot change once torch has run).
     */
    public static synchronized Backend initialise(Options options) {
        if (instance != null) {
            if (options.threads() > 0 && options.threads() != JniUtils.getNumThreads()) {
                JniUtils.setNumThreads(options.threads());
            }
            Backend b = instance;
            instance = new Backend(b.engine, b.device, b.deviceDescription, options.precision(),
                    b.flushDenormalRequested, b.jemallocLoaded, b.startupMillis, b.hints);
            return instance;
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.default_engine", ENGINE);
        setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        if (options.threads() > 0) {
            System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(options.threads()));
        } else {
            setIfAbsent("ai.djl.pytorch.num_threads",
                    Integer.toString(Runtime.getRuntime().availableProcessors()));
        }
        long t0 = System.nanoTime();
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE);
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot start the PyTorch engine offline: " + e.getMessage()
                    + " (is ai.djl.pytorch:pytorch-native-cpu:2.5.1:linux-x86_64 on the classpath, and is"
                    + " PYTORCH_VERSION unset?)", e);
        }
        boolean ftz = setFlushDenormal(true);
        long startup = (System.nanoTime() - t0) / 1_000_000;

        Device device = engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        List<String> hints = new ArrayList<>();
        boolean jemalloc = jemallocPreloaded();
        if (!jemalloc && !device.isGpu() && isLinux()) {
            hints.add(jemallocHint());
        }
        if (!ftz && !device.isGpu()) {
            hints.add("could not switch on flush-denormals-to-zero: float32 maths on tiny values may be"
                    + " ~50x slower");
        }
        instance = new Backend(engine, device, describeDevice(device), options.precision(), ftz, jemalloc,
                startup, hints);
        LOG.debug("{}", instance.describe());
        for (String h : hints) {
            LOG.info("{}", h);
        }
        return instance;
    }

    // ---------------------------------------------------------------- facts

    public Engine engine() {
        return engine;
    }

    /** The device new managers use: the first GPU when there is one, else CPU. */
    public Device device() {
        return device;
    }

    public boolean isGpu() {
        return device.isGpu();
    }

    /** "CPU (2 cores)" or "GPU 0: compute capability 90, 79.1 GiB". */
    public String deviceDescription() {
        return deviceDescription;
    }

    /** The default precision for new models (a model may choose its own). */
    public Precision precision() {
        return precision;
    }

    /** libtorch version, e.g. "2.5.1". */
    public String engineVersion() {
        return engine.getVersion();
    }

    public String djlVersion() {
        return Engine.getDjlVersion();
    }

    /** Intra-op threads at initialisation. */
    public int threads() {
        return threads;
    }

    public int interopThreads() {
        return interopThreads;
    }

    /** Whether jemalloc is mapped into this process (LD_PRELOAD), see §5.2 fix 3. */
    public boolean jemallocLoaded() {
        return jemallocLoaded;
    }

    /** Milliseconds the engine took to start (native extraction on the very first run: several seconds). */
    public long startupMillis() {
        return startupMillis;
    }

    /** Advice for this machine (jemalloc not preloaded, FTZ failed); empty when all is well. */
    public List<String> hints() {
        return hints;
    }

    /**
     * Whether denormal floats are flushed to zero on the calling thread: measured, not remembered
     * (FTZ also makes Java float arithmetic on that thread flush, which is what this probes).
     */
    public static boolean flushDenormalOnThisThread() {
        float tiny = denormalProbe * 0.25f;
        return tiny == 0f;
    }

    /**
     * Switches FTZ/DAZ on for the calling thread if it is off there, and says whether it is on. Cheap
     * (one float multiplication when it is on already), so call it at the start of each training step or
     * prediction batch: FTZ lives in the thread's MXCSR register, which a new thread starts without and
     * which the JVM resets to its standard value whenever the VM calls into Java (thread start,
     * JNI up-calls, native reflection). OpenMP workers copy the register when libtorch creates them.
     */
    public boolean ensureFlushDenormal() {
        if (!flushDenormalRequested || flushDenormalOnThisThread()) {
            return flushDenormalRequested;
        }
        return setFlushDenormal(true);
    }

    /** A new root manager on {@link #device()}; close it (or use try-with-resources). */
    public NDManager newManager() {
        ensureFlushDenormal();
        return NDManager.newBaseManager(device, ENGINE);
    }

    /** Seeds libtorch (and so DJL's initialisers). Java-side randomness must be seeded separately. */
    public void seed(long seed) {
        engine.setRandomSeed((int) seed);
    }

    /** One line per fact, for logs and the CLI's "info" output. */
    public String describe() {
        return String.format(Locale.ROOT,
                "engine: DJL %s / PyTorch %s (started in %d ms)%n"
                        + "device: %s%n"
                        + "threads: %d intra-op, %d inter-op%n"
                        + "flush denormals (FTZ/DAZ): %s%n"
                        + "jemalloc: %s%n"
                        + "default precision: %s",
                djlVersion(), engineVersion(), startupMillis, deviceDescription, threads, interopThreads,
                flushDenormalOnThisThread() ? "on" : (flushDenormalRequested ? "on (other thread)" : "off"),
                jemallocLoaded ? "preloaded" : "not preloaded", precision);
    }

    @Override
    public String toString() {
        return describe();
    }

    // ---------------------------------------------------------------- internals

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    /** DJL has no torch.set_flush_denormal; call at::globalContext().setFlushDenormal(on) through JNA. */
    private static synchronized boolean setFlushDenormal(boolean on) {
        try {
            NativeLibrary lib = Natives.libtorchCpu();
            Pointer ctx = lib.getFunction("_ZN2at13globalContextEv").invokePointer(new Object[0]);
            Function set = lib.getFunction("_ZN2at7Context16setFlushDenormalEb");
            return (Boolean) set.invoke(Boolean.class, new Object[] {ctx, on});
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("setFlushDenormal failed: {}", e.toString());
            return false;
        }
    }

    private static boolean isLinux() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    private static boolean jemallocPreloaded() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return false;
        }
        try (Stream<String> lines = Files.lines(maps)) {
            return lines.anyMatch(l -> l.contains("libjemalloc"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String jemallocHint() {
        String[] dirs = {"/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib",
            "/usr/local/lib"};
        for (String d : dirs) {
            Path p = Path.of(d, "libjemalloc.so.2");
            if (Files.exists(p)) {
                return "jemalloc is installed but not preloaded; CPU training is up to 2x faster with"
                        + " LD_PRELOAD=" + p + " MALLOC_CONF=" + JEMALLOC_CONF;
            }
        }
        return "jemalloc is not preloaded; CPU training is up to 2x faster with it (apt-get install"
                + " libjemalloc2, then LD_PRELOAD=<path of libjemalloc.so.2> MALLOC_CONF=" + JEMALLOC_CONF + ")";
    }

    private static String describeDevice(Device device) {
        if (!device.isGpu()) {
            return "CPU (" + Runtime.getRuntime().availableProcessors() + " cores)";
        }
        StringBuilder sb = new StringBuilder("GPU ").append(device.getDeviceId());
        try {
            sb.append(": compute capability ").append(CudaUtils.getComputeCapability(device.getDeviceId()));
            MemoryUsage mem = CudaUtils.getGpuMemory(device);
            sb.append(String.format(Locale.ROOT, ", %.1f GiB", mem.getMax() / (double) (1L << 30)));
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            sb.append(" (details unavailable)");
        }
        sb.append(", CUDA ").append(CudaUtils.getCudaVersionString());
        return sb.toString();
    }

    /** Access to libtorch_cpu for the JNA work-arounds (FTZ, in-place detach). */
    static final class Natives {
        private static NativeLibrary libtorchCpu;

        private Natives() {
        }

        static synchronized NativeLibrary libtorchCpu() {
            if (libtorchCpu == null) {
                Engine.getEngine(ENGINE); // make sure the library is extracted and loaded
                String file = System.mapLibraryName("torch_cpu");
                libtorchCpu = NativeLibrary.getInstance(Path.of(LibUtils.getLibtorchPath(), file).toString());
            }
            return libtorchCpu;
        }
    }
}
