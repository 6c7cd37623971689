package dev.mooring.api;

import java.util.UUID;

/** The one id rule of REST paths and frames alike: a malformed id names nothing, so it reads as not_found. */
public final class Ids {

    private static final int SHOWN_CHARACTERS = 100;

    private Ids() {
    }

    /**
     * The UUID in {@code value}.
     *
     * @param what the kind of thing named ("completion", "conversation"), for the message
     * @throws ApiException not_found when {@code value} is not a UUID
     */
    public static UUID parse(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw unknown(what, value);
        }
    }

    /** The not_found error for an id that names nothing. */
    public static ApiException unknown(String what, Object id) {
        return ApiException.notFound("no " + what + " has the id '" + shortened(String.valueOf(id)) + "'");
    }

    /** {@code value} cut to what a message may quote of it. */
    public static String shortened(String value) {
        return value.length() <= SHOWN_CHARACTERS ? value : value.substring(0, SHOWN_CHARACTERS) + "…";
    }
}
