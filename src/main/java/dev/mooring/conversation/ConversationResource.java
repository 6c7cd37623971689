package dev.mooring.conversation;

import dev.mooring.api.Caller;
import dev.mooring.api.Ids;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Conversation history over REST: the caller's own conversations only. */
@Path("/api/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    private final ConversationService conversations;
    private final Caller caller;

    public ConversationResource(ConversationService conversations, Caller caller) {
        this.conversations = conversations;
        this.caller = caller;
    }

    /** Every conversation, newest first. */
    @GET
    public List<ConversationViews.Summary> list() {
        return conversations.list(caller.user());
    }

    /** One conversation with its messages, in order. */
    @GET
    @Path("/{id}")
    public ConversationViews.Detail get(@PathParam("id") String id) {
        return conversations.get(Ids.parse(id, "conversation"), caller.user());
    }

    /** Deletes a conversation, cancelling its running answers first. */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        conversations.delete(Ids.parse(id, "conversation"), caller.user());
        return Response.noContent().build();
    }
}
