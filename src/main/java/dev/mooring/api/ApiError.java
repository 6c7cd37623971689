package dev.mooring.api;

/** The JSON body of every REST failure: {@code {code, message}}. */
public record ApiError(ErrorCode code, String message) {
}
