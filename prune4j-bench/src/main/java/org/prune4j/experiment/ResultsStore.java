package org.prune4j.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results database (SQLite). A run is written in one statement when it has finished, so a
 * killed benchmark leaves either the whole run or nothing; the run id is the primary key, so
 * nothing is counted twice. Main figures have their own columns for SQL queries; settings,
 * all metrics and provenance are kept as JSON. A file that is not SQLite, or a database that
 * is not a prune4j results store, is refused before anything is written to it.
 */
public final class ResultsStore implements AutoCloseable {

    public static final String APP = "prune4j-bench";
    public static final int SCHEMA = 1;
    private static final byte[] SQLITE_MAGIC = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] COLUMNS = {"spec", "model", "data", "kind", "method", "compression", "target",
        "seed", "top1_before", "top1_pruned", "top1_finetuned", "top5_finetuned", "loss_finetuned", "parameters",
        "nonzero_parameters", "macs", "nonzero_macs", "actual_compression", "theoretical_speedup",
        "measured_speedup_b1", "measured_speedup_b128", "size_bytes", "wall_seconds"};

    private final Path file;
    private final Connection connection;

    private ResultsStore(Path file, Connection connection) {
        this.file = file;
        this.connection = connection;
    }

    /** Opens (or creates) a results store; refuses foreign or unreadable files without touching them. */
    public static ResultsStore open(Path file) {
        boolean exists = Files.exists(file);
        if (exists) {
            checkIsSqlite(file);
        }
        Connection c = null;
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (!exists && parent != null) {
                Files.createDirectories(parent);
            }
            c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
            if (exists && Files.size(file) > 0) {
                checkIsOurs(file, c);
            }
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode=WAL");
                s.execute("PRAGMA synchronous=FULL");
                s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("INSERT OR IGNORE INTO meta VALUES ('app', '" + APP + "'), ('schema', '" + SCHEMA + "')");
                s.execute("CREATE TABLE IF NOT EXISTS runs (id TEXT PRIMARY KEY, spec TEXT, model TEXT, data TEXT, "
                        + "kind TEXT, method TEXT, compression REAL, target TEXT, seed INTEGER, top1_before REAL, "
                        + "top1_pruned REAL, top1_finetuned REAL, top5_finetuned REAL, loss_finetuned REAL, "
                        + "parameters INTEGER, nonzero_parameters INTEGER, macs INTEGER, nonzero_macs INTEGER, "
                        + "actual_compression REAL, theoretical_speedup REAL, measured_speedup_b1 REAL, "
                        + "measured_speedup_b128 REAL, size_bytes INTEGER, wall_seconds REAL, settings TEXT NOT NULL, "
                        + "metrics TEXT NOT NULL, provenance TEXT, finished_at TEXT NOT NULL)");
                // added later without a schema change: an older store simply gets the empty table
                s.execute("CREATE TABLE IF NOT EXISTS behaviour (run_id TEXT NOT NULL, settings TEXT NOT NULL, "
                        + "result TEXT NOT NULL, finished_at TEXT NOT NULL, PRIMARY KEY (run_id, settings))");
            }
            return new ResultsStore(file, c);
        } catch (SQLException | IOException e) {
            closeQuietly(c);
            throw new IllegalArgumentException("results database " + file + " cannot be opened: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(c);
            throw e;
        }
    }

    private static void checkIsSqlite(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("results database " + file + " is not readable");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(SQLITE_MAGIC.length);
            if (head.length > 0 && !Arrays.equals(head, SQLITE_MAGIC)) {
                throw new IllegalArgumentException("results database " + file
                        + " is not an SQLite database; refusing to touch it (give a new file name)");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("results database " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static void checkIsOurs(Path file, Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type='table'")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        if (tables.isEmpty()) {
            return;
        }
        String app = null;
        String schema = null;
        if (tables.contains("meta")) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT key, value FROM meta WHERE key IN ('app', 'schema')")) {
                while (rs.next()) {
                    if (rs.getString(1).equals("app")) {
                        app = rs.getString(2);
                    } else {
                        schema = rs.getString(2);
                    }
                }
            } catch (SQLException e) {
                app = null;
            }
        }
        if (!APP.equals(app)) {
            throw new IllegalArgumentException("results database " + file + " is an SQLite database of something else "
                    + "(tables " + tables + "); refusing to change it (give a new file name)");
        }
        if (!String.valueOf(SCHEMA).equals(schema)) {
            throw new IllegalArgumentException("results database " + file + " has schema " + schema
                    + "; this prune4j reads schema " + SCHEMA);
        }
    }

    public Path file() {
        return file;
    }

    public boolean contains(String runId) {
        try (PreparedStatement p = connection.prepareStatement("SELECT 1 FROM runs WHERE id = ?")) {
            p.setString(1, runId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes a finished run: one atomic insert. A run id already present is an error, never a second row. */
    public void record(String specName, RunSettings settings, RunMetrics metrics, Map<String, Object> provenance) {
        String sql = "INSERT INTO runs (id, " + String.join(", ", COLUMNS) + ", settings, metrics, provenance, "
                + "finished_at) VALUES (?" + ", ?".repeat(COLUMNS.length + 4) + ")";
        try (PreparedStatement p = connection.prepareStatement(sql)) {
            Object[] values = {settings.id(), specName, settings.model(), settings.data(), settings.kind().label(),
                settings.method(), settings.compression(), settings.target(), settings.seed(), metrics.top1Before(),
                metrics.top1Pruned(), metrics.top1FineTuned(), metrics.top5FineTuned(), metrics.lossFineTuned(),
                metrics.parameters(), metrics.nonZeroParameters(), metrics.macs(), metrics.nonZeroMacs(),
                metrics.actualCompression(), metrics.theoreticalSpeedUp(), metrics.measuredSpeedUpBatch1(),
                metrics.measuredSpeedUpBatch128(), metrics.sizeBytes(), metrics.wallSeconds(),
                JSON.writeValueAsString(settings.toMap()), JSON.writeValueAsString(metrics.all()),
                provenance == null ? null : JSON.writeValueAsString(provenance), Instant.now().toString()};
            for (int i = 0; i < values.length; i++) {
                p.setObject(i + 1, values[i]);
            }
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record run " + settings.id() + " in " + file + ": " + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize run " + settings.id(), e);
        }
    }

    /** Whether a run's behaviour evaluation with these settings ({@link BehaviourSettings#key()}) is stored. */
    public boolean hasBehaviour(String runId, String settingsKey) {
        try (PreparedStatement p = connection.prepareStatement(
                "SELECT 1 FROM behaviour WHERE run_id = ? AND settings = ?")) {
            p.setString(1, runId);
            p.setString(2, settingsKey);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot query " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes one run's behaviour evaluation: one atomic insert, like a run. */
    public void recordBehaviour(String runId, String settingsKey, Map<String, Object> result) {
        try (PreparedStatement p = connection.prepareStatement("INSERT INTO behaviour VALUES (?, ?, ?, ?)")) {
            p.setString(1, runId);
            p.setString(2, settingsKey);
            p.setString(3, JSON.writeValueAsString(result));
            p.setString(4, Instant.now().toString());
            p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the behaviour of run " + runId + " in " + file + ": "
                    + e.getMessage(), e);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize the behaviour of run " + runId, e);
        }
    }

    /** Stored behaviour evaluations by run id; where a run has several (other settings), the newest. */
    public Map<String, Map<String, Object>> behaviour() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT run_id, result FROM behaviour ORDER BY finished_at")) {
            while (rs.next()) {
                out.put(rs.getString(1), JSON.readValue(rs.getString(2), new TypeReference<Map<String, Object>>() {}));
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read behaviour from " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Every recorded run as a map of its columns, with settings and metrics parsed back from JSON. */
    public List<Map<String, Object>> runs() {
        List<Map<String, Object>> out = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("SELECT * FROM runs ORDER BY finished_at")) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= n; i++) {
                    String col = rs.getMetaData().getColumnName(i);
                    Object v = rs.getObject(i);
                    if ((col.equals("settings") || col.equals("metrics") || col.equals("provenance")) && v != null) {
                        v = JSON.readValue((String) v, new TypeReference<Map<String, Object>>() {});
                    }
                    row.put(col, v);
                }
                out.add(row);
            }
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read runs from " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing was pending: every write is its own committed statement
            }
        }
    }
}
