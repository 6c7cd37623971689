package dev.mooring.conversation;

import dev.mooring.api.ApiException;

import java.util.UUID;

/** Path ids: a malformed one names nothing, so it is answered 404 like an unknown one. */
public final class Ids {

    private Ids() {
    }

    public static UUID parse(String value, String what) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("no " + what + " has the id '" + (value.length() > 100
                    ? value.substring(0, 100) + "…" : value) + "'");
        }
    }
}
