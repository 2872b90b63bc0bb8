package io.aegis.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aegis.trace.AuditEvent;
import io.aegis.trace.TraceEvent;
import io.aegis.trace.TraceWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes the control API offers (control-api/README.md), each made the same way: a candidate document is built from the
 * current one, checked and compiled whole by the data plane, written as a new version, put in
 * force, and recorded as an audit event in the trace queue. One change at a time; a refused change
 * leaves everything as it was.
 */
public final class ControlService {
    private static final Logger LOG = LoggerFactory.getLogger(ControlService.class);
    private static final ObjectMapper JSON = Json.mapper();

    private final ConfigStore store;
    private final DataPlane plane;
    private final TraceWriter trace;
    private final List<ConfigVersion> history;
    private volatile ConfigVersion current;

    private ControlService(ConfigStore store, DataPlane plane, TraceWriter trace, List<ConfigVersion> history) {
        this.store = store;
        this.plane = plane;
        this.trace = trace;
        this.history = history;
        this.current = history.get(history.size() - 1);
    }

    /** The actor of versions the config file made: the first one, and each edit of it adopted at a start. */
    public static final String FILE_ACTOR = "config-file";
    /** Equal nodes, numbers by value: a stored 1 and the file's 1.0 are the same setting. */
    private static final java.util.Comparator<JsonNode> SAME_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;
    /** The sections of a document the config file also holds. */
    static final List<String> SECTIONS = List.of("rules", "tenants", "sampling");

    /** How a start treats config file sections that changed since the version they last produced. */
    public enum FileEdits {
        /** Adopt them when no control API change came after that version; refuse to start when one did. */
        ADOPT_UNLESS_CONFLICT,
        /** Adopt them even over later control API changes (the operator said the file wins). */
        FILE_WINS
    }

    /** Same as {@link #start(ConfigStore, DataPlane, TraceWriter, String, FileEdits)} with the default precedence. */
    public static ControlService start(ConfigStore store, DataPlane plane, TraceWriter trace)
            throws IOException, ChangeRejected, FileConflict {
        return start(store, plane, trace, "the config file", FileEdits.ADOPT_UNLESS_CONFLICT);
    }

    /**
     * Puts the config in force. On a first start the config file's own settings become version 1.
     * Later, the last stored version is in force, unless the config file's rules, tenants or sampling
     * differ from the version they last produced: then the edited sections are applied as a new,
     * audited version (actor {@value #FILE_ACTOR}) when no control API change came since, and
     * otherwise the start is refused with {@link FileConflict} (never silently one or the other).
     *
     * @param trace      where audit events go, or {@code null}
     * @param configFile the config file as named, for messages
     */
    public static ControlService start(ConfigStore store, DataPlane plane, TraceWriter trace, String configFile,
            FileEdits fileEdits) throws IOException, ChangeRejected, FileConflict {
        List<ConfigVersion> history = new ArrayList<>(store.versions());
        ObjectNode fromFile = plane.initialDocument();
        if (history.isEmpty()) {
            DataPlane.Staged staged = plane.stage(fromFile, 1);
            ConfigVersion first = new ConfigVersion(1, 0, System.currentTimeMillis(), FILE_ACTOR, "config.bootstrap",
                    "config file", "the config file's rules, tenants and sampling", fromFile);
            store.write(first);
            staged.apply();
            history.add(first);
            ControlService service = new ControlService(store, plane, trace, history);
            service.audit(first);
            return service;
        }
        ConfigVersion last = history.get(history.size() - 1);
        ConfigVersion byFile = lastByFile(history);
        List<String> edited = new ArrayList<>();
        for (String section : SECTIONS) {
            if (!fromFile.path(section).equals(SAME_VALUE, byFile.document().path(section))) {
                edited.add(section);
            }
        }
        if (edited.isEmpty()) {
            plane.stage(last.document(), last.version()).apply();
            LOG.info("config version {} from {} is in force; the config file's rules, tenants and sampling are"
                    + " those of version {}", last.version(), store.directory(), byFile.version());
            return new ControlService(store, plane, trace, history);
        }
        List<ConfigVersion> since = history.subList(history.indexOf(byFile) + 1, history.size());
        List<ConfigVersion> apiChanges = since.stream().filter(v -> !FILE_ACTOR.equals(v.actor())).toList();
        if (!apiChanges.isEmpty() && fileEdits != FileEdits.FILE_WINS) {
            throw new FileConflict(configFile, edited, byFile, apiChanges, store.directory().toString());
        }
        // Put the last version in force first, so that the adopted edit is a change like any other.
        plane.stage(last.document(), last.version()).apply();
        ControlService service = new ControlService(store, plane, trace, history);
        service.change(FILE_ACTOR, "config.file", String.join(",", edited),
                String.join(", ", edited) + " edited in " + configFile + (apiChanges.isEmpty() ? ""
                        : " (over " + apiChanges.size() + " control API change(s): the file was told to win)"),
                doc -> {
                    for (String section : edited) {
                        doc.set(section, fromFile.get(section).deepCopy());
                    }
                    return doc;
                });
        return service;
    }

    /**
     * The last version the config file made: one by {@value #FILE_ACTOR}, or (data from before the
     * file's edits were tracked) version 1, which always came from the file.
     */
    private static ConfigVersion lastByFile(List<ConfigVersion> history) {
        for (int i = history.size() - 1; i >= 0; i--) {
            ConfigVersion v = history.get(i);
            if (FILE_ACTOR.equals(v.actor()) || v.version() == 1) {
                return v;
            }
        }
        return history.get(0);
    }

    /**
     * The config file's rules, tenants or sampling were edited, and the control API changed the config
     * since the file last did: which should win is the operator's call, not the gateway's.
     */
    public static final class FileConflict extends Exception {
        private static final long serialVersionUID = 1L;
        private final String configFile;

        FileConflict(String configFile, List<String> sections, ConfigVersion byFile, List<ConfigVersion> apiChanges,
                     String store) {
            super("its " + String.join(", ", sections) + " changed since config version "
                    + byFile.version() + ", which the file produced, but the control API has changed the config since ("
                    + describe(apiChanges) + "), so neither is applied silently over the other. Either undo the file's"
                    + " edit of " + String.join(", ", sections) + " and make it through the control API (PUT /v1/rules,"
                    + " PUT /v1/tenants/ID, PUT /v1/sampling), or start with --config-file-wins to apply the file's "
                    + String.join(", ", sections) + " as a new version over those changes (audited as "
                    + FILE_ACTOR + "; the versions stay in " + store + ").");
            this.configFile = configFile;
        }

        /** The config file as named; the message says what about it conflicts. */
        public String configFile() {
            return configFile;
        }

        private static String describe(List<ConfigVersion> changes) {
            ConfigVersion newest = changes.get(changes.size() - 1);
            return changes.size() + " change(s), the last version " + newest.version() + ": " + newest.action()
                    + " " + newest.target() + " by " + newest.actor();
        }
    }

    public ConfigVersion current() {
        return current;
    }

    public DataPlane dataPlane() {
        return plane;
    }

    /** Recent changes, newest first. */
    public List<ConfigVersion> audit(int limit) {
        synchronized (history) {
            List<ConfigVersion> out = new ArrayList<>();
            for (int i = history.size() - 1; i >= 0 && out.size() < limit; i--) {
                out.add(history.get(i));
            }
            return out;
        }
    }

    /** Replaces every rule file with {@code files} (name → YAML). */
    public ConfigVersion replaceRules(String actor, Map<String, String> files) throws ChangeRejected {
        return change(actor, "rules.replace", String.join(",", files.keySet()), files.size() + " rule file(s)", doc -> {
            ArrayNode rules = doc.putArray("rules");
            files.forEach((name, text) -> rules.addObject().put("name", name).put("yaml", text));
            return doc;
        });
    }

    /** Creates or updates a tenant's budget, limits and PII policy; its keys stay as they are. */
    public ConfigVersion putTenant(String actor, String id, String body) throws ChangeRejected {
        ObjectNode settings = plane.tenantSettings(id, body);
        boolean exists = tenant(current.document(), id) != null;
        return change(actor, "tenant.update", id, exists ? "budget, limits and PII policy replaced" : "tenant created",
                doc -> {
                    ObjectNode tenant = tenant(doc, id);
                    if (tenant == null) {
                        tenant = tenants(doc).addObject();
                        tenant.put("id", id);
                        tenant.putArray("keys");
                    }
                    JsonNode keys = tenant.get("keys");
                    tenant.removeAll();
                    tenant.put("id", id);
                    tenant.set("keys", keys == null ? JSON.createArrayNode() : keys);
                    tenant.setAll(settings);
                    return doc;
                });
    }

    /** Issues a key to an existing tenant; the key itself is in the result, nowhere else. */
    public IssuedKey createKey(String actor, String tenantId) throws ChangeRejected, UnknownTarget {
        if (tenant(current.document(), tenantId) == null) {
            throw new UnknownTarget("no tenant '" + tenantId + "'; create it first with PUT /v1/tenants/" + tenantId);
        }
        VirtualKey key = VirtualKey.issue();
        ConfigVersion version = change(actor, "tenant.key.create", tenantId + "/" + key.id(), "key " + key.id() + " issued",
                doc -> {
                    ((ArrayNode) tenant(doc, tenantId).withArrayProperty("keys")).add("sha256:" + key.sha256Hex());
                    return doc;
                });
        return new IssuedKey(key, version);
    }

    /** Revokes a tenant's key by its id. */
    public ConfigVersion revokeKey(String actor, String tenantId, String keyId) throws ChangeRejected, UnknownTarget {
        ObjectNode tenant = tenant(current.document(), tenantId);
        if (tenant == null) {
            throw new UnknownTarget("no tenant '" + tenantId + "'");
        }
        if (keyIndex(tenant, keyId) < 0) {
            throw new UnknownTarget("tenant '" + tenantId + "' has no key with id '" + keyId + "'");
        }
        return change(actor, "tenant.key.revoke", tenantId + "/" + keyId, "key " + keyId + " revoked", doc -> {
            ObjectNode t = tenant(doc, tenantId);
            ((ArrayNode) t.get("keys")).remove(keyIndex(t, keyId));
            return doc;
        });
    }

    /** Replaces the trace sampling settings. */
    public ConfigVersion replaceSampling(String actor, String body) throws ChangeRejected {
        ObjectNode sampling = plane.samplingSettings(body);
        return change(actor, "sampling.replace", "sampling", "sampling " + sampling, doc -> {
            doc.set("sampling", sampling);
            return doc;
        });
    }

    /** Makes a new version with an earlier version's document. */
    public ConfigVersion rollback(String actor, long version) throws ChangeRejected, UnknownTarget {
        ConfigVersion target;
        synchronized (history) {
            target = history.stream().filter(v -> v.version() == version).findFirst().orElse(null);
        }
        if (target == null) {
            throw new UnknownTarget("no config version " + version);
        }
        return change(actor, "config.rollback", "version " + version, "back to the document of version " + version,
                doc -> target.document().deepCopy());
    }

    /** A key just issued, with the version that holds its hash. */
    public record IssuedKey(VirtualKey key, ConfigVersion version) {
    }

    /** A change names a tenant, key or version that does not exist (404). */
    public static final class UnknownTarget extends Exception {
        public UnknownTarget(String message) {
            super(message);
        }
    }

    private synchronized ConfigVersion change(String actor, String action, String target, String detail,
            UnaryOperator<ObjectNode> edit) throws ChangeRejected {
        ConfigVersion before = current;
        ObjectNode candidate = edit.apply(before.document().deepCopy());
        long version = before.version() + 1;
        DataPlane.Staged staged = plane.stage(candidate, version);
        ConfigVersion next = new ConfigVersion(version, before.version(), System.currentTimeMillis(), actor, action,
                target, detail, candidate);
        try {
            store.write(next);
        } catch (IOException e) {
            // Not persisted, so not applied: a change that would vanish on restart is refused.
            throw new UncheckedIOException("cannot persist config version " + version + " in " + store.directory(), e);
        }
        staged.apply();
        current = next;
        synchronized (history) {
            history.add(next);
        }
        audit(next);
        LOG.info("config version {} in force: {} {} by {}", version, action, target, actor);
        return next;
    }

    private void audit(ConfigVersion v) {
        if (trace == null) {
            return;
        }
        AuditEvent event = new AuditEvent();
        event.timestampNanos = v.timeMillis() * 1_000_000L;
        TraceEvent.set(event.actor, v.actor());
        TraceEvent.set(event.action, v.action());
        TraceEvent.set(event.target, v.target());
        event.oldVersion = v.parent();
        event.newVersion = v.version();
        TraceEvent.set(event.detail, v.detail());
        if (!trace.appendAudit(event) || !trace.sync(5_000)) {
            // The version file holds the same record; the queue copy is for SREs tailing it.
            LOG.warn("audit event for config version {} could not be written to the trace queue now", v.version());
        }
    }

    private static ArrayNode tenants(ObjectNode doc) {
        return doc.withArrayProperty("tenants");
    }

    private static ObjectNode tenant(ObjectNode doc, String id) {
        JsonNode tenants = doc.get("tenants");
        if (tenants != null) {
            for (JsonNode t : tenants) {
                if (id.equals(t.path("id").asText())) {
                    return (ObjectNode) t;
                }
            }
        }
        return null;
    }

    private static int keyIndex(ObjectNode tenant, String keyId) {
        JsonNode keys = tenant.get("keys");
        if (keys == null || keyId.length() < 6) {
            return -1;
        }
        for (int i = 0; i < keys.size(); i++) {
            String hash = keys.get(i).asText();
            String hex = hash.startsWith("sha256:") ? hash.substring(7) : hash;
            if (hex.length() >= 12 && VirtualKey.idOf(hex).equals(keyId)) {
                return i;
            }
        }
        return -1;
    }
}
