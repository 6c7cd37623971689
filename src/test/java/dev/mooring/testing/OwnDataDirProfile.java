package dev.mooring.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The fake model as the environment's model, with a data directory of its own (the model settings its tests save
 * never reach other tests) and conversation titles by the model on.
 */
public class OwnDataDirProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("chat.data-dir", "./target/test-data-own", "chat.model.titles", "true");
    }

    @Override
    public java.util.List<TestResourceEntry> testResources() {
        return java.util.List.of(new TestResourceEntry(FakeModelResource.class));
    }
}
