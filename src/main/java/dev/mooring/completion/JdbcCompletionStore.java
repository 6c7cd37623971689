package dev.mooring.completion;

import dev.mooring.api.ApiException;
import dev.mooring.api.ErrorCode;
import dev.mooring.api.RedactedFailure;
import dev.mooring.api.StoredText;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The completion store on the service's own database (H2 or PostgreSQL), in plain batched JDBC; texts are written
 * through {@link StoredText}, so any text is stored exactly.
 */
@ApplicationScoped
class JdbcCompletionStore implements CompletionStore {

    private static final Logger LOG = Logger.getLogger(JdbcCompletionStore.class);

    private static final String SUMMARY = "SELECT c.id, c.message_id, c.status, c.last_seq, c.text, s.text "
            + "FROM completion c LEFT JOIN completion_segment s ON s.completion_id = c.id WHERE c.";

    private final DataSource dataSource;
    /** What this process writes as the owner of the answers it runs, and checks in every write. */
    private final String token;

    JdbcCompletionStore(DataSource dataSource, OwnerToken token) {
        this.dataSource = dataSource;
        this.token = token.value();
    }

    /** Runs on the connection of the caller's JTA transaction, which the pool hands out again; it never commits. */
    @Override
    public void insert(UUID id, UUID conversationId, UUID requestMessageId, UUID messageId, String user, String node,
                       Instant leaseUntil) {
        OffsetDateTime now = utc(Instant.now());
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO completion (id, conversation_id, "
                     + "request_message_id, message_id, status, text, last_seq, chunk_lengths, owner_node, "
                     + "lease_until, created_at, updated_at, owner_user, owner_token) "
                     + "VALUES (?, ?, ?, ?, ?, '', 0, '', ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, id);
            ps.setObject(2, conversationId);
            ps.setObject(3, requestMessageId);
            ps.setObject(4, messageId);
            ps.setString(5, CompletionStatus.RUNNING.label());
            ps.setString(6, node);
            ps.setObject(7, utc(leaseUntil));
            ps.setObject(8, now);
            ps.setObject(9, now);
            ps.setString(10, user);
            ps.setString(11, token);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record completion " + id, e);
        }
    }

    /**
     * One transaction for the whole batch; if the database refuses it, the rows one by one on the same connection,
     * each in its own transaction. A failure that breaks the connection is the database's, not a row's: it ends the
     * pass. A row that is no longer this process's running answer (another node ended it) is not written: it is lost.
     */
    @Override
    public Checkpoint checkpoint(Collection<Progress> batch, String node, Instant leaseUntil) {
        if (batch.isEmpty()) {
            return Checkpoint.NOTHING;
        }
        OffsetDateTime now = utc(Instant.now());
        OffsetDateTime lease = utc(leaseUntil);
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Set<UUID> lost = new HashSet<>();
                try {
                    lost.addAll(writeProgress(c, batch, node, lease, now));
                    c.commit();
                    return new Checkpoint(Map.of(), lost);
                } catch (SQLException refused) {
                    c.rollback();
                    lost.clear();
                }
                Map<UUID, RuntimeException> refused = new HashMap<>();
                for (Progress p : batch) {
                    try {
                        lost.addAll(writeProgress(c, List.of(p), node, lease, now));
                        c.commit();
                    } catch (SQLException e) {
                        c.rollback();
                        refused.put(p.id(), new IllegalStateException("the database refused a checkpoint", e));
                    }
                }
                if (refused.size() == batch.size()) {
                    throw refused.values().iterator().next();
                }
                return new Checkpoint(refused, lost);
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("completion store write failed", e);
        }
    }

    /**
     * Writes the batch: each row's last seq and lease, only where the row is this process's running answer and
     * stored exactly up to the seq before the progress's first (so no chunk is stored twice or skipped), then the new
     * chunks as segments; returns the ids whose row it did not write.
     */
    private List<UUID> writeProgress(Connection c, Collection<Progress> batch, String node, OffsetDateTime lease,
                                     OffsetDateTime now) throws SQLException {
        int[] counts;
        try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET last_seq = ?, owner_node = ?, "
                + "lease_until = ?, updated_at = ? WHERE id = ? AND status = ? AND owner_token = ? AND last_seq = ?")) {
            for (Progress p : batch) {
                ps.setLong(1, p.lastSeq());
                ps.setString(2, node);
                ps.setObject(3, lease);
                ps.setObject(4, now);
                ps.setObject(5, p.id());
                ps.setString(6, CompletionStatus.RUNNING.label());
                ps.setString(7, token);
                ps.setLong(8, p.firstSeq() - 1);
                ps.addBatch();
            }
            counts = ps.executeBatch();
        }
        CompletionSegments.append(c, batch, token);
        List<UUID> lost = new ArrayList<>();
        int i = 0;
        for (Progress p : batch) {
            if (counts[i++] == 0) {
                lost.add(p.id());
            }
        }
        return lost;
    }

    /**
     * Writes the end only while the row is this process's running answer, or waits for tool results (owned by no
     * node): a fenced write changes nothing. The whole text goes on the row and its segments are deleted.
     */
    @Override
    public boolean finish(FinalState state) {
        OffsetDateTime now = utc(Instant.now());
        boolean[] written = new boolean[1];
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET status = ?, text = ?, last_seq = ?, "
                    + "chunk_lengths = ?, error_code = ?, error_message = ?, error_retryable = ?, lease_until = NULL, "
                    + "owner_token = NULL, updated_at = ? WHERE id = ? AND ((status = ? AND owner_token = ?) OR status = ?)")) {
                ps.setString(1, state.status().label());
                ps.setString(2, StoredText.encode(state.text()));
                ps.setLong(3, state.lastSeq());
                ps.setString(4, state.chunkLengths());
                CompletionError error = state.error();
                ps.setString(5, error == null ? null : error.code().wire());
                ps.setString(6, error == null ? null : truncate(StoredText.encode(error.message()), 1000));
                if (error == null) {
                    ps.setNull(7, Types.BOOLEAN);
                } else {
                    ps.setBoolean(7, error.retryable());
                }
                ps.setObject(8, now);
                ps.setObject(9, state.id());
                ps.setString(10, CompletionStatus.RUNNING.label());
                ps.setString(11, token);
                ps.setString(12, CompletionStatus.WAITING.label());
                written[0] = ps.executeUpdate() == 1;
            }
            if (written[0]) {
                CompletionSegments.delete(c, state.id());
                try (PreparedStatement ps = c.prepareStatement("UPDATE conversation SET updated_at = ? WHERE id = ?")) {
                    ps.setObject(1, now);
                    ps.setObject(2, state.conversationId());
                    ps.executeUpdate();
                }
            }
        });
        return written[0];
    }

    @Override
    public boolean interruptIfExpired(UUID id, Instant now) {
        return interrupt("id = ? AND (lease_until IS NULL OR lease_until < ?)", id, now) == 1;
    }

    @Override
    public Optional<StoredCompletion> find(UUID id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT c.conversation_id, c.message_id, c.status, c.text, "
                     + "c.last_seq, c.chunk_lengths, c.error_code, c.error_message, c.error_retryable, c.owner_node, "
                     + "c.lease_until, c.owner_user, s.text, s.chunk_lengths FROM completion c "
                     + "LEFT JOIN completion_segment s ON s.completion_id = c.id WHERE c.id = ? ORDER BY s.first_seq")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                CompletionSegments.Stored text = new CompletionSegments.Stored(rs.getString(4), rs.getString(6));
                String errorCode = rs.getString(7);
                CompletionError error = errorCode == null ? null : new CompletionError(errorCodeOf(errorCode),
                        StoredText.decode(rs.getString(8)), rs.getBoolean(9));
                OffsetDateTime lease = rs.getObject(11, OffsetDateTime.class);
                UUID conversationId = rs.getObject(1, UUID.class);
                UUID messageId = rs.getObject(2, UUID.class);
                CompletionStatus status = CompletionStatus.ofLabel(rs.getString(3));
                long lastSeq = rs.getLong(5);
                String ownerNode = rs.getString(10);
                String ownerUser = rs.getString(12);
                do {
                    text.add(rs.getString(13), rs.getString(14));
                } while (rs.next());
                return Optional.of(new StoredCompletion(id, conversationId, messageId, status, text.text(), lastSeq,
                        text.chunkLengths(), error, ownerNode, lease == null ? null : lease.toInstant(), ownerUser));
            }
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    @Override
    public Optional<CompletionSummary> findByRequest(UUID requestMessageId) {
        return summaries("request_message_id = ?", requestMessageId).stream().findFirst();
    }

    @Override
    public List<CompletionSummary> listByConversation(UUID conversationId) {
        return summaries("conversation_id = ?", conversationId);
    }

    private List<CompletionSummary> summaries(String condition, UUID value) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(SUMMARY + condition + " ORDER BY c.id, s.first_seq")) {
            ps.setObject(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                List<CompletionSummary> summaries = new ArrayList<>();
                boolean more = rs.next();
                while (more) {
                    UUID id = rs.getObject(1, UUID.class);
                    UUID messageId = rs.getObject(2, UUID.class);
                    CompletionStatus status = CompletionStatus.ofLabel(rs.getString(3));
                    long lastSeq = rs.getLong(4);
                    CompletionSegments.Stored text = new CompletionSegments.Stored(rs.getString(5), "");
                    do {
                        text.add(rs.getString(6), "");
                        more = rs.next();
                    } while (more && id.equals(rs.getObject(1, UUID.class)));
                    summaries.add(new CompletionSummary(id, messageId, status, lastSeq, text.text()));
                }
                return summaries;
            }
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    @Override
    public int interruptOrphans(String node, Instant now) {
        return interrupt("owner_node = ? OR lease_until < ?", node, now);
    }

    @Override
    public int interruptExpired(String exceptNode, Instant now) {
        return interrupt("(owner_node IS NULL OR owner_node <> ?) AND lease_until < ?", exceptNode, now);
    }

    /**
     * Marks interrupted the running completions that match {@code condition} (a value, then a time), their stored
     * segments folded into their rows; how many.
     */
    private int interrupt(String condition, Object value, Instant now) {
        int[] count = new int[1];
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET status = ?, error_code = ?, "
                    + "error_message = ?, error_retryable = TRUE, lease_until = NULL, owner_token = NULL, updated_at = ? "
                    + "WHERE status = ? AND (" + condition + ")")) {
                CompletionError interrupted = CompletionError.interrupted();
                ps.setString(1, CompletionStatus.INTERRUPTED.label());
                ps.setString(2, interrupted.code().wire());
                ps.setString(3, interrupted.message());
                ps.setObject(4, utc(now));
                ps.setString(5, CompletionStatus.RUNNING.label());
                ps.setObject(6, value);
                ps.setObject(7, utc(now));
                count[0] = ps.executeUpdate();
            }
            if (count[0] > 0) {
                CompletionSegments.foldEnded(c);
            }
        });
        return count[0];
    }

    /** A read the database could not serve: the caller is told to try again, never what the driver said. */
    private static ApiException unreadable(SQLException e) {
        LOG.warnf(RedactedFailure.of(e), "reading the completion store failed");
        return new ApiException(ErrorCode.UNAVAILABLE, "the service cannot read its database right now; try again",
                true);
    }

    private static ErrorCode errorCodeOf(String wire) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wire().equals(wire)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }

    /** At most {@code max} characters of {@code s}, never half of a surrogate pair at the cut. */
    private static String truncate(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    /** Its own transaction, for the writes made outside any request: checkpoints, ends, orphan sweeps. */
    private void inTransaction(SqlWork work) {
        JdbcTransaction.run(dataSource, "completion store write", c -> {
            work.run(c);
            return null;
        });
    }
}
