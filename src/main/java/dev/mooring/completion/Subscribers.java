package dev.mooring.completion;

import java.util.Arrays;

/**
 * The subscribers of one answer, as an array replaced on each change (a chunk goes to many, changes are rare). Not
 * thread-safe: the answer's own monitor guards it.
 */
final class Subscribers {

    private static final Subscriber[] NONE = new Subscriber[0];

    private Subscriber[] all = NONE;

    boolean isEmpty() {
        return all.length == 0;
    }

    void add(Subscriber subscriber) {
        Subscriber[] next = Arrays.copyOf(all, all.length + 1);
        next[all.length] = subscriber;
        all = next;
    }

    void remove(Subscriber subscriber) {
        for (int i = 0; i < all.length; i++) {
            if (all[i] == subscriber) {
                Subscriber[] next = new Subscriber[all.length - 1];
                System.arraycopy(all, 0, next, 0, i);
                System.arraycopy(all, i + 1, next, i, all.length - i - 1);
                all = next;
                return;
            }
        }
    }

    void chunk(Chunk chunk) {
        for (Subscriber s : all) {
            s.chunk(chunk);
        }
    }

    /** Tells every subscriber the end and forgets them all: nothing follows an end. */
    void end(CompletionEnd end) {
        Subscriber[] targets = all;
        all = NONE;
        for (Subscriber s : targets) {
            s.end(end);
        }
    }
}
