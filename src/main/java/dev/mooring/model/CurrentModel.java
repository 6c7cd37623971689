package dev.mooring.model;

import java.util.Optional;

/**
 * The model in use, which can be replaced while the service runs: each answer streams from the model that was
 * current when it began, so a replacement takes effect for the next question and running answers finish where they
 * started.
 */
public final class CurrentModel implements ChatModelGateway, AutoCloseable {

    private volatile BuiltModel current;

    public CurrentModel(BuiltModel initial) {
        this.current = initial;
    }

    @Override
    public ModelInfo info() {
        return current.gateway().info();
    }

    @Override
    public ModelStream stream(ModelRequest request, ModelStreamListener listener) {
        return current.gateway().stream(request, listener);
    }

    @Override
    public boolean namesConversations() {
        return current.titler() != null;
    }

    @Override
    public Optional<String> title(ModelRequest question, String answer, int maxChars) {
        Titler titler = current.titler();
        return titler == null ? Optional.empty() : titler.title(question, answer, maxChars);
    }

    /** Uses {@code next} from now on; the one it replaces closes once its running answers have ended. */
    public synchronized void use(BuiltModel next) {
        BuiltModel previous = current;
        current = next;
        previous.gateway().retire();
    }

    @Override
    public void close() {
        current.gateway().close();
    }
}
