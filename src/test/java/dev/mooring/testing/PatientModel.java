package dev.mooring.testing;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * For tests whose answers wait on the test between chunks: the model may stay silent for two minutes before its
 * stream is ended (the fake model's resource sets 3 s, which a loaded machine can exceed between two steps).
 */
public class PatientModel implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("chat.model.timeout", "120s");
    }
}
