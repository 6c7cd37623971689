package dev.mooring.settings;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.model.ModelSetup;

/** The rules of a change from the panel: a known provider, and parts that are absent (kept), empty (cleared) or sane. */
final class ProfileChange {

    private static final int MAX_NAME = 200;
    private static final int MAX_URL = 2000;
    private static final int MAX_KEY = 1000;

    private ProfileChange() {
    }

    /** The provider the change names. */
    static String provider(ModelSettingsViews.Change change) {
        if (change == null || change.provider() == null || !ModelSetup.PROVIDERS.contains(change.provider().strip())) {
            throw bad("Choose a provider: " + String.join(", ", ModelSetup.PROVIDERS) + ".");
        }
        return change.provider().strip();
    }

    /**
     * {@code before} with the change's parts.
     *
     * @throws ApiException bad_request for a part that is not one line, too long, or a key with spaces or more
     */
    static SavedModelSettings.Profile applied(SavedModelSettings.Profile before, ModelSettingsViews.Change change) {
        return new SavedModelSettings.Profile(part(change.name(), before.name(), MAX_NAME, "model name"),
                part(change.baseUrl(), before.baseUrl(), MAX_URL, "base URL"), key(change.apiKey(), before.apiKey()));
    }

    /** Whether the change names a model itself. */
    static boolean names(ModelSettingsViews.Change change) {
        return change.name() != null && !change.name().isBlank();
    }

    static ApiException bad(String message) {
        return new ApiException(ErrorCode.BAD_REQUEST, message);
    }

    private static String part(String given, String before, int max, String what) {
        if (given == null) {
            return before;
        }
        String value = given.strip();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > max || value.chars().anyMatch(Character::isISOControl)) {
            throw bad("The " + what + " must be one line of at most " + max + " characters.");
        }
        return value;
    }

    private static String key(String given, String before) {
        if (given == null) {
            return before;
        }
        String value = given.strip();
        if (value.isEmpty()) {
            return null;
        }
        if (value.length() > MAX_KEY || !value.chars().allMatch(c -> c > ' ' && c < 127)) {
            throw bad("The API key must be visible ASCII characters without spaces, at most " + MAX_KEY + ".");
        }
        return value;
    }
}
