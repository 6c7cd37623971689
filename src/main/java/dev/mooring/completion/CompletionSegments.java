package dev.mooring.completion;

import dev.mooring.api.StoredText;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The {@code completion_segment} table: a running answer's text after its completion row's own, one row per
 * checkpoint that stored new chunks. The completion stores append, read and fold segments through it.
 */
final class CompletionSegments {

    private CompletionSegments() {
    }

    /**
     * Appends each progress's new chunks as one segment, only where the completion row, in this transaction, is this
     * process's running answer and already records them as stored up to {@code lastSeq} (the checkpoint updated it
     * first), and only once: a progress whose seqs a stored segment reaches into (a batch whose commit was reported
     * failed had stored them) adds none.
     */
    static void append(Connection c, Collection<Progress> batch, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO completion_segment (completion_id, first_seq, "
                + "last_seq, text, chunk_lengths) SELECT id, ?, last_seq, ?, ? FROM completion "
                + "WHERE id = ? AND status = ? AND owner_token = ? AND last_seq = ? AND NOT EXISTS "
                + "(SELECT 1 FROM completion_segment WHERE completion_id = ? AND last_seq >= ?)")) {
            boolean any = false;
            for (Progress p : batch) {
                if (!p.hasNew()) {
                    continue;
                }
                ps.setLong(1, p.firstSeq());
                ps.setString(2, StoredText.encode(p.text()));
                ps.setString(3, p.chunkLengths());
                ps.setObject(4, p.id());
                ps.setString(5, CompletionStatus.RUNNING.label());
                ps.setString(6, token);
                ps.setLong(7, p.lastSeq());
                ps.setObject(8, p.id());
                ps.setLong(9, p.firstSeq());
                ps.addBatch();
                any = true;
            }
            if (any) {
                ps.executeBatch();
            }
        }
    }

    /** Deletes a completion's segments: its whole text is on its row now. */
    static void delete(Connection c, UUID id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM completion_segment WHERE completion_id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    /**
     * Folds the segments of every completion that no longer runs (one a sweep just interrupted) into its row, and
     * deletes them; the row's text and chunk lengths become the whole answer as stored.
     */
    static void foldEnded(Connection c) throws SQLException {
        Map<UUID, Stored> folded = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.id, c.text, c.chunk_lengths, s.text, s.chunk_lengths "
                + "FROM completion c JOIN completion_segment s ON s.completion_id = c.id WHERE c.status <> ? "
                + "ORDER BY c.id, s.first_seq")) {
            ps.setString(1, CompletionStatus.RUNNING.label());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    Stored stored = folded.get(id);
                    if (stored == null) {
                        stored = new Stored(rs.getString(2), rs.getString(3));
                        folded.put(id, stored);
                    }
                    stored.add(rs.getString(4), rs.getString(5));
                }
            }
        }
        if (folded.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET text = ?, chunk_lengths = ? WHERE id = ?")) {
            for (Map.Entry<UUID, Stored> e : folded.entrySet()) {
                ps.setString(1, StoredText.encode(e.getValue().text()));
                ps.setString(2, e.getValue().chunkLengths());
                ps.setObject(3, e.getKey());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        for (UUID id : folded.keySet()) {
            delete(c, id);
        }
    }

    /** A completion's text and chunk lengths as stored: its row's, then each segment's in seq order. */
    static final class Stored {
        private final StringBuilder text = new StringBuilder();
        private final StringBuilder lengths = new StringBuilder();

        /** Starts from the row's own (stored, encoded) text and chunk lengths. */
        Stored(String rowText, String rowLengths) {
            add(rowText, rowLengths);
        }

        /** Appends a segment's (stored, encoded) text and chunk lengths; a null segment (none joined) adds nothing. */
        void add(String storedText, String chunkLengths) {
            if (storedText == null) {
                return;
            }
            text.append(StoredText.decode(storedText));
            if (!chunkLengths.isEmpty()) {
                lengths.append(lengths.isEmpty() ? "" : ",").append(chunkLengths);
            }
        }

        String text() {
            return text.toString();
        }

        String chunkLengths() {
            return lengths.toString();
        }
    }
}
