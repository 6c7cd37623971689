package dev.mooring.config;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import jakarta.annotation.Priority;

import java.nio.file.Path;

/**
 * Reads {@code chat.data-dir} as an absolute path, relative ones against the working directory.
 *
 * <p>H2 refuses a file URL whose path is implicitly relative ({@code jdbc:h2:file:data/mooring}), so
 * {@code CHAT_DATA_DIR=data} would otherwise stop the service at start-up. Resolving the name itself, below the
 * expression interceptor, makes every {@code ${chat.data-dir}} (the H2 URL among them) see the absolute path.
 */
@Priority(DataDirInterceptor.PRIORITY)
public final class DataDirInterceptor implements ConfigSourceInterceptor {

    /**
     * Between the expression interceptor (LIBRARY + 300, which must see the absolute path when it expands) and the
     * profile interceptor (LIBRARY + 200, which must already have chosen the profile's value).
     */
    static final int PRIORITY = io.smallrye.config.Priorities.LIBRARY + 250;

    static final String NAME = "chat.data-dir";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!NAME.equals(name) || value == null || value.getValue() == null || value.getValue().isBlank()) {
            return value;
        }
        return value.withValue(Path.of(value.getValue().trim()).toAbsolutePath().normalize().toString());
    }
}
