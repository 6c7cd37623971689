package dev.mooring.completion;

import dev.mooring.api.Caller;
import dev.mooring.api.Ids;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** A completion's state over REST, and its cancel: the caller's own completions only. */
@Path("/api/completions")
@Produces(MediaType.APPLICATION_JSON)
public class CompletionResource {

    private final CompletionService completions;
    private final Caller caller;

    public CompletionResource(CompletionService completions, Caller caller) {
        this.completions = completions;
        this.caller = caller;
    }

    /** The completion's status, last seq and text (live while it runs). */
    @GET
    @Path("/{id}")
    public CompletionView get(@PathParam("id") String id) {
        return completions.view(Ids.parse(id, "completion"), caller.user());
    }

    /** Stops a running completion; it ends {@code cancelled}. Accepted for a completion that already ended too. */
    @POST
    @Path("/{id}/cancel")
    public Response cancel(@PathParam("id") String id) {
        completions.cancel(Ids.parse(id, "completion"), caller.user());
        return Response.accepted().build();
    }
}
