package dev.mooring.api;

import jakarta.enterprise.context.RequestScoped;

/**
 * The user a REST request acts for, set by the security filter before any resource runs: the name a Jupyter proxy
 * asserted, or {@link #SINGLE_USER} when the service serves one user.
 */
@RequestScoped
public class Caller {

    /** The one user of a service without a users secret; no Jupyter user name is empty. */
    public static final String SINGLE_USER = "";

    /** The key under which a chat connection's user data holds its user (a String). */
    public static final String CONNECTION_KEY = "mooring.user";

    private String user;

    /** The caller's user. */
    public String user() {
        if (user == null) {
            throw new IllegalStateException("no caller: the security filter did not run for this request");
        }
        return user;
    }

    public void set(String user) {
        this.user = user;
    }
}
