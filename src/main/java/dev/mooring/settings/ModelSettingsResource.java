package dev.mooring.settings;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The model in use and the panel's settings for it, over REST. */
@Path("/api/model")
@Produces(MediaType.APPLICATION_JSON)
public class ModelSettingsResource {

    private final ModelSettingsService settings;

    public ModelSettingsResource(ModelSettingsService settings) {
        this.settings = settings;
    }

    /** The model in use and each provider's setup (never a key: whether one is set, and its last characters). */
    @GET
    public ModelSettingsViews.Settings get() {
        return settings.view();
    }

    /** Checks a change with the provider, saves it, and uses it from the next question on. */
    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    public ModelSettingsViews.Settings put(ModelSettingsViews.Change change) {
        return settings.save(change);
    }

    /** Forgets the saved settings: the environment's model (CHAT_MODEL_*) answers from the next question on. */
    @DELETE
    public ModelSettingsViews.Settings delete() {
        return settings.reset();
    }

    /** Every model the service can reach, each provider asked with a short timeout. */
    @GET
    @Path("/models")
    public ModelSettingsViews.Models models() {
        return settings.models();
    }
}
