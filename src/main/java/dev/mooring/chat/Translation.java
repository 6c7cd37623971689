package dev.mooring.chat;

import dev.mooring.completion.Chunk;
import dev.mooring.completion.CompletionEnd;
import dev.mooring.completion.ToolEvent;
import dev.mooring.conversation.Acceptance;
import dev.mooring.conversation.Question;
import dev.mooring.model.ModelInfo;
import dev.mooring.model.NotebookContext;
import dev.mooring.model.ToolCall;
import dev.mooring.model.ToolResult;
import dev.mooring.protocol.ChatContext;
import dev.mooring.protocol.ClientFrame;
import dev.mooring.protocol.FrameCodec;
import dev.mooring.protocol.ServerFrame;

import java.util.List;

/** Between the wire's frames and the domain's types: the one place that knows both. */
final class Translation {

    private Translation() {
    }

    static Question question(String user, ClientFrame.Chat chat) {
        return new Question(user, chat.clientMessageId(), chat.conversationId(), chat.text(), context(chat.context()),
                chat.mode());
    }

    static NotebookContext context(ChatContext context) {
        if (context == null) {
            return null;
        }
        ChatContext.ActiveCell cell = context.activeCell();
        List<NotebookContext.Variable> variables = context.variables() == null ? null : context.variables().stream()
                .map(v -> new NotebookContext.Variable(v.name(), v.type(), v.preview())).toList();
        return new NotebookContext(context.notebookPath(), cell == null ? null
                : new NotebookContext.ActiveCell(cell.source(), cell.outputs(), cell.error(), cell.cellType(),
                        cell.executionCount()), context.selection(), variables);
    }

    static ServerFrame.Accepted accepted(String clientMessageId, Acceptance a) {
        return new ServerFrame.Accepted(clientMessageId, a.conversationId().toString(), a.userMessageId().toString(),
                a.completionId().toString(), a.duplicate());
    }

    static ServerFrame.Asked asked(ClientFrame.Chat chat, Acceptance a) {
        return new ServerFrame.Asked(a.conversationId().toString(), a.userMessageId().toString(),
                a.assistantMessageId().toString(), a.completionId().toString(), chat.text(), chat.mode());
    }

    static String chunk(Chunk chunk) {
        return FrameCodec.chunk(chunk.completionId().toString(), chunk.seq(), chunk.delta());
    }

    static ServerFrame toolEvent(ToolEvent event) {
        String completionId = event.completionId().toString();
        if (event.call() != null) {
            ToolCall call = event.call();
            return new ServerFrame.ToolCall(completionId, event.seq(), call.id(), call.name(), call.arguments());
        }
        ToolResult result = event.result();
        return new ServerFrame.ToolResult(completionId, event.seq(), result.callId(), result.output(), result.error());
    }

    static ServerFrame.Done done(CompletionEnd end) {
        return new ServerFrame.Done(end.completionId().toString(), end.status().label(), end.lastSeq(),
                end.messageId().toString(), end.error() == null ? null
                        : new ServerFrame.ErrorBody(end.error().code(), end.error().message(), end.error().retryable()));
    }

    static ServerFrame.Model model(ModelInfo info) {
        return new ServerFrame.Model(info.provider(), info.name(), info.demo());
    }
}
