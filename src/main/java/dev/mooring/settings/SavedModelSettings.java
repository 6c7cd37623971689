package dev.mooring.settings;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.mooring.model.ModelSetup;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the panel saved: the provider in use and, per provider, the parts set here (null: the environment's, else the
 * provider's default). The JSON of the settings file; its text form never shows a key.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record SavedModelSettings(String provider, Map<String, Profile> profiles) {

    static final SavedModelSettings NONE = new SavedModelSettings(null, Map.of());

    SavedModelSettings {
        profiles = profiles == null ? Map.of() : Map.copyOf(profiles);
    }

    boolean present() {
        return provider != null;
    }

    Profile profile(String name) {
        return profiles.getOrDefault(name, Profile.EMPTY);
    }

    /** These settings with {@code provider} in use and its profile replaced. */
    SavedModelSettings with(String newProvider, Profile profile) {
        Map<String, Profile> next = new TreeMap<>(profiles);
        next.put(newProvider, profile);
        return new SavedModelSettings(newProvider, next);
    }

    /** One provider's saved parts. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Profile(String name, String baseUrl, String apiKey) {

        static final Profile EMPTY = new Profile(null, null, null);

        /** Each part saved here, else {@code fallback}'s. */
        ModelSetup over(ModelSetup fallback) {
            return new ModelSetup(fallback.provider(), name != null ? name : fallback.name(),
                    baseUrl != null ? baseUrl : fallback.baseUrl(), apiKey != null ? apiKey : fallback.apiKey());
        }

        @Override
        public String toString() {
            return "Profile[name=" + name + ", baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "none" : "(set)")
                    + "]";
        }
    }
}
