package dev.mooring.completion;

import dev.mooring.api.ErrorCode;
import dev.mooring.chat.ServerFrame;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/** The completion store on the service's own database (H2 or PostgreSQL), in plain batched JDBC. */
@ApplicationScoped
public class JdbcCompletionStore implements CompletionStore {

    static final String INTERRUPTED_MESSAGE =
            "the service stopped while this answer was being written; its text so far is kept";

    private final DataSource dataSource;

    public JdbcCompletionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void checkpoint(Collection<Progress> batch, String node, Instant leaseUntil) {
        if (batch.isEmpty()) {
            return;
        }
        OffsetDateTime now = utc(Instant.now());
        OffsetDateTime lease = utc(leaseUntil);
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET text = ?, last_seq = ?, "
                    + "chunk_lengths = ?, owner_node = ?, lease_until = ?, updated_at = ? "
                    + "WHERE id = ? AND status = 'running'")) {
                for (Progress p : batch) {
                    ps.setString(1, p.text());
                    ps.setLong(2, p.lastSeq());
                    ps.setString(3, p.chunkLengths());
                    ps.setString(4, node);
                    ps.setObject(5, lease);
                    ps.setObject(6, now);
                    ps.setObject(7, p.id());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    @Override
    public void finish(FinalState state) {
        OffsetDateTime now = utc(Instant.now());
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET status = ?, text = ?, last_seq = ?, "
                    + "chunk_lengths = ?, error_code = ?, error_message = ?, error_retryable = ?, lease_until = NULL, "
                    + "updated_at = ? WHERE id = ?")) {
                ps.setString(1, state.status().wire());
                ps.setString(2, state.text());
                ps.setLong(3, state.lastSeq());
                ps.setString(4, state.chunkLengths());
                ServerFrame.ErrorBody error = state.error();
                ps.setString(5, error == null ? null : error.code().wire());
                ps.setString(6, error == null ? null : truncate(error.message(), 1000));
                if (error == null) {
                    ps.setNull(7, Types.BOOLEAN);
                } else {
                    ps.setBoolean(7, error.retryable());
                }
                ps.setObject(8, now);
                ps.setObject(9, state.id());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE conversation SET updated_at = ? WHERE id = ?")) {
                ps.setObject(1, now);
                ps.setObject(2, state.conversationId());
                ps.executeUpdate();
            }
        });
    }

    @Override
    public Optional<StoredCompletion> find(UUID id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT conversation_id, message_id, status, text, last_seq, "
                     + "chunk_lengths, error_code, error_message, error_retryable, owner_node, lease_until "
                     + "FROM completion WHERE id = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String errorCode = rs.getString(7);
                ServerFrame.ErrorBody error = errorCode == null ? null
                        : new ServerFrame.ErrorBody(errorCodeOf(errorCode), rs.getString(8), rs.getBoolean(9));
                OffsetDateTime lease = rs.getObject(11, OffsetDateTime.class);
                return Optional.of(new StoredCompletion(id, rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        CompletionStatus.fromWire(rs.getString(3)), rs.getString(4), rs.getLong(5), rs.getString(6),
                        error, rs.getString(10), lease == null ? null : lease.toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read completion " + id, e);
        }
    }

    @Override
    public int interruptOrphans(String node, Instant now) {
        int[] count = new int[1];
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET status = 'interrupted', "
                    + "error_code = ?, error_message = ?, error_retryable = TRUE, lease_until = NULL, updated_at = ? "
                    + "WHERE status = 'running' AND (owner_node = ? OR lease_until < ?)")) {
                ps.setString(1, ErrorCode.UNAVAILABLE.wire());
                ps.setString(2, INTERRUPTED_MESSAGE);
                ps.setObject(3, utc(now));
                ps.setString(4, node);
                ps.setObject(5, utc(now));
                count[0] = ps.executeUpdate();
            }
        });
        return count[0];
    }

    private static ErrorCode errorCodeOf(String wire) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.wire().equals(wire)) {
                return code;
            }
        }
        return ErrorCode.INTERNAL;
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    private interface SqlWork {
        void run(Connection c) throws SQLException;
    }

    private void inTransaction(SqlWork work) {
        try (Connection c = dataSource.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("completion store write failed", e);
        }
    }
}
