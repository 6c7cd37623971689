package dev.mooring.config;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A relative CHAT_DATA_DIR works: the data directory, and the H2 URL built from it, become absolute. */
class DataDirInterceptorTest {

    private static SmallRyeConfig config(Map<String, String> properties, String... profile) {
        return new SmallRyeConfigBuilder()
                .addDefaultInterceptors()
                .withInterceptors(new DataDirInterceptor())
                .withProfiles(java.util.List.of(profile))
                .withSources(new PropertiesConfigSource(properties, "test", 100))
                .build();
    }

    private static final String URL = "jdbc:h2:file:${chat.data-dir}/mooring;WRITE_DELAY=0";

    @Test
    void aRelativeDataDirAndTheUrlBuiltFromItAreAbsolute() {
        SmallRyeConfig config = config(Map.of("chat.data-dir", "data/../mooring-data",
                "quarkus.datasource.jdbc.url", URL));
        String expected = Path.of("mooring-data").toAbsolutePath().toString();

        assertEquals(expected, config.getValue("chat.data-dir", String.class));
        assertEquals("jdbc:h2:file:" + expected + "/mooring;WRITE_DELAY=0",
                config.getValue("quarkus.datasource.jdbc.url", String.class));
    }

    @Test
    void profileValuesAndAbsolutePathsAreKept() {
        SmallRyeConfig config = config(Map.of("chat.data-dir", "/srv/mooring", "%dev.chat.data-dir", "./dev-data",
                "quarkus.datasource.jdbc.url", URL), "dev");
        assertEquals(Path.of("dev-data").toAbsolutePath().toString(), config.getValue("chat.data-dir", String.class));

        SmallRyeConfig prod = config(Map.of("chat.data-dir", "/srv/mooring", "quarkus.datasource.jdbc.url", URL));
        assertEquals("/srv/mooring", prod.getValue("chat.data-dir", String.class));
        assertEquals("jdbc:h2:file:/srv/mooring/mooring;WRITE_DELAY=0",
                prod.getValue("quarkus.datasource.jdbc.url", String.class));
    }

    @Test
    void otherNamesAreUntouched() {
        SmallRyeConfig config = config(Map.of("chat.other-dir", "relative"));
        assertEquals("relative", config.getValue("chat.other-dir", String.class));
    }
}
