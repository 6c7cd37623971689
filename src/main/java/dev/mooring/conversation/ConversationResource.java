package dev.mooring.conversation;

import dev.mooring.api.Caller;
import dev.mooring.api.Ids;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

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

    /** Every conversation, newest first; with {@code notebook}, those started from that notebook. */
    @GET
    public List<ConversationViews.Summary> list(@QueryParam("notebook") String notebook) {
        return conversations.list(caller.user(), Optional.ofNullable(notebook));
    }

    /** Renames a conversation: {@code {title}}, not blank, at most 200 characters. */
    @PATCH
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    public ConversationViews.Summary rename(@PathParam("id") String id, ConversationViews.Rename rename) {
        UUID conversationId = Ids.parse(id, "conversation");
        return conversations.rename(conversationId, caller.user(), rename == null ? null : rename.title());
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
