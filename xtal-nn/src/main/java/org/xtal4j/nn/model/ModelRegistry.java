package org.xtal4j.nn.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The model plugins on the class path, found with {@link ServiceLoader}
 * ({@code META-INF/services/org.xtal4j.nn.model.ModelPlugin}). Names are matched case-insensitively.
 */
public final class ModelRegistry {

    private static volatile Map<String, ModelPlugin> plugins;

    private ModelRegistry() {
    }

    /** All plugins, sorted by name. */
    public static List<ModelPlugin> all() {
        return List.copyOf(load().values());
    }

    /** Plugin names, sorted. */
    public static List<String> names() {
        return List.copyOf(load().keySet());
    }

    public static Optional<ModelPlugin> find(String name) {
        return Optional.ofNullable(load().get(name.toLowerCase(Locale.ROOT)));
    }

    /** The plugin called {@code name}; IllegalArgumentException listing the known names otherwise. */
    public static ModelPlugin get(String name) {
        return find(name).orElseThrow(() -> new IllegalArgumentException("unknown model '" + name
                + "'; known models: " + (names().isEmpty() ? "none on the class path" : String.join(", ", names()))));
    }

    private static Map<String, ModelPlugin> load() {
        Map<String, ModelPlugin> p = plugins;
        if (p == null) {
            synchronized (ModelRegistry.class) {
                if (plugins == null) {
                    Map<String, ModelPlugin> found = new java.util.TreeMap<>();
                    List<String> clashes = new ArrayList<>();
                    for (ModelPlugin plugin : ServiceLoader.load(ModelPlugin.class)) {
                        String key = plugin.name().toLowerCase(Locale.ROOT);
                        ModelPlugin old = found.put(key, plugin);
                        if (old != null && old.getClass() != plugin.getClass()) {
                            clashes.add(key + " (" + old.getClass().getName() + ", " + plugin.getClass().getName() + ")");
                        }
                    }
                    if (!clashes.isEmpty()) {
                        throw new IllegalStateException("two model plugins share a name: " + clashes);
                    }
                    plugins = Collections.unmodifiableMap(new LinkedHashMap<>(found));
                }
                p = plugins;
            }
        }
        return p;
    }
}
