package dev.mooring.completion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mooring.api.StoredText;
import dev.mooring.model.ToolCall;
import dev.mooring.model.ToolResult;
import jakarta.enterprise.context.ApplicationScoped;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The agent store on the service's own database, in plain JDBC; payloads are JSON written through StoredText. */
@ApplicationScoped
class JdbcAgentStore implements AgentStore {

    private static final String CALL = "tool_call";
    private static final String RESULT = "tool_result";

    private final DataSource dataSource;
    private final ObjectMapper json;
    /** This process's fencing token: a turn it pauses must still be its own; the turn it continues becomes its own. */
    private final String token;

    JdbcAgentStore(DataSource dataSource, ObjectMapper json, OwnerToken token) {
        this.dataSource = dataSource;
        this.json = json;
        this.token = token.value();
    }

    /** Runs on the connection of the caller's JTA transaction, which the pool hands out again; it never commits. */
    @Override
    public void recordRequest(UUID id, String requestJson) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE completion SET agent_request = ? WHERE id = ?")) {
            ps.setString(1, StoredText.encode(requestJson));
            ps.setObject(2, id);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the request of completion " + id, e);
        }
    }

    @Override
    public String request(UUID id) {
        return query("SELECT agent_request FROM completion WHERE id = ?", id, rs -> StoredText.decode(rs.getString(1)))
                .stream().findFirst().orElse(null);
    }

    @Override
    public boolean pause(Progress progress, List<ToolEvent> calls, Instant now) {
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE completion SET status = ?, text = ?, last_seq = ?, "
                    + "chunk_lengths = ?, owner_node = NULL, owner_token = NULL, lease_until = NULL, waiting_since = ?, "
                    + "updated_at = ? WHERE id = ? AND status = ? AND owner_token = ?")) {
                ps.setString(1, CompletionStatus.WAITING.label());
                ps.setString(2, StoredText.encode(progress.text()));
                ps.setLong(3, calls.get(calls.size() - 1).seq());
                ps.setString(4, progress.chunkLengths());
                ps.setObject(5, utc(now));
                ps.setObject(6, utc(now));
                ps.setObject(7, progress.id());
                ps.setString(8, CompletionStatus.RUNNING.label());
                ps.setString(9, token);
                if (ps.executeUpdate() == 0) {
                    return false;
                }
            }
            CompletionSegments.delete(c, progress.id());
            for (ToolEvent call : calls) {
                insert(c, call, now);
            }
            return true;
        });
    }

    @Override
    public ResultStored addResult(ToolEvent result, String node, Instant leaseUntil) {
        Instant now = Instant.now();
        return inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(node == null
                    ? "UPDATE completion SET last_seq = ?, updated_at = ? WHERE id = ? AND status = ?"
                    : "UPDATE completion SET last_seq = ?, updated_at = ?, status = ?, owner_node = ?, "
                            + "owner_token = ?, lease_until = ?, waiting_since = NULL WHERE id = ? AND status = ?")) {
                int i = 1;
                ps.setLong(i++, result.seq());
                ps.setObject(i++, utc(now));
                if (node != null) {
                    ps.setString(i++, CompletionStatus.RUNNING.label());
                    ps.setString(i++, node);
                    ps.setString(i++, token);
                    ps.setObject(i++, utc(leaseUntil));
                }
                ps.setObject(i++, result.completionId());
                ps.setString(i, CompletionStatus.WAITING.label());
                if (ps.executeUpdate() == 0) {
                    return ResultStored.ENDED;
                }
            }
            if (answered(c, result)) {
                c.rollback();
                return ResultStored.DUPLICATE;
            }
            try {
                insert(c, result, now);
            } catch (SQLException e) {
                // another node stored a result for this call between the check and the insert
                c.rollback();
                if (e.getSQLState() != null && e.getSQLState().startsWith("23")) {
                    return ResultStored.DUPLICATE;
                }
                throw e;
            }
            return ResultStored.STORED;
        });
    }

    /** Whether the call already has its result (one stored by another node, say). */
    private static boolean answered(Connection c, ToolEvent result) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM completion_event "
                + "WHERE completion_id = ? AND result_of = ?")) {
            ps.setObject(1, result.completionId());
            ps.setObject(2, UUID.fromString(result.callId()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public List<ToolEvent> events(UUID id) {
        return query("SELECT seq, kind, payload FROM completion_event WHERE completion_id = ? ORDER BY seq", id,
                rs -> {
                    String payload = StoredText.decode(rs.getString(3));
                    return CALL.equals(rs.getString(2))
                            ? ToolEvent.call(id, rs.getLong(1), read(payload, ToolCall.class))
                            : ToolEvent.result(id, rs.getLong(1), read(payload, ToolResult.class));
                });
    }

    @Override
    public Instant waitingSince(UUID id) {
        return query("SELECT waiting_since FROM completion WHERE id = ?", id, rs -> {
            OffsetDateTime since = rs.getObject(1, OffsetDateTime.class);
            return since == null ? null : since.toInstant();
        }).stream().findFirst().orElse(null);
    }

    @Override
    public List<UUID> waitingBefore(Instant before) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM completion WHERE status = ? "
                     + "AND waiting_since < ?")) {
            ps.setString(1, CompletionStatus.WAITING.label());
            ps.setObject(2, utc(before));
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
            return ids;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the waiting completions", e);
        }
    }

    private void insert(Connection c, ToolEvent event, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO completion_event (completion_id, seq, kind, "
                + "call_id, result_of, payload, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            UUID callId = UUID.fromString(event.callId());
            ps.setObject(1, event.completionId());
            ps.setLong(2, event.seq());
            ps.setString(3, event.call() != null ? CALL : RESULT);
            ps.setObject(4, callId);
            ps.setObject(5, event.call() != null ? null : callId);
            ps.setString(6, StoredText.encode(write(event.call() != null ? event.call() : event.result())));
            ps.setObject(7, utc(now));
            ps.executeUpdate();
        }
    }

    private String write(Object payload) {
        try {
            return json.writeValueAsString(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a tool event", e);
        }
    }

    private <T> T read(String payload, Class<T> type) {
        try {
            return json.readValue(payload, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored tool event does not read as " + type.getSimpleName(), e);
        }
    }

    private interface Row<T> {
        T read(ResultSet rs) throws SQLException;
    }

    private <T> List<T> query(String sql, UUID id, Row<T> row) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            List<T> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row.read(rs));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the agent state of completion " + id, e);
        }
    }

    private <T> T inTransaction(JdbcTransaction.Work<T> work) {
        return JdbcTransaction.run(dataSource, "agent store write", work);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
