package dev.mooring.conversation;

import dev.mooring.api.Ids;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** Conversation history over REST. */
@Path("/api/conversations")
@Produces(MediaType.APPLICATION_JSON)
public class ConversationResource {

    private final ConversationService conversations;

    public ConversationResource(ConversationService conversations) {
        this.conversations = conversations;
    }

    /** Every conversation, newest first. */
    @GET
    public List<ConversationViews.Summary> list() {
        return conversations.list();
    }

    /** One conversation with its messages, in order. */
    @GET
    @Path("/{id}")
    public ConversationViews.Detail get(@PathParam("id") String id) {
        return conversations.get(Ids.parse(id, "conversation"));
    }

    /** Deletes a conversation, cancelling its running answers first. */
    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        conversations.delete(Ids.parse(id, "conversation"));
        return Response.noContent().build();
    }
}
