package io.aegis.control;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every accepted config version, one JSON file each under {@code DATA_DIR/config/} (version
 * number in the name). A version is written to a temporary file, forced to disk, renamed into
 * place and the directory forced, so a crash leaves either the whole new version or none of it.
 * Versions are never rewritten; a rollback is a new version with an old document.
 */
public final class ConfigStore {
    private static final Pattern NAME = Pattern.compile("(\\d{8})\\.json");

    private final Path dir;
    private final ObjectMapper json = Json.mapper();

    public ConfigStore(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("config");
        Files.createDirectories(dir);
    }

    public Path directory() {
        return dir;
    }

    /** Every stored version, oldest first. */
    public List<ConfigVersion> versions() throws IOException {
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> {
                Matcher m = NAME.matcher(file.getFileName().toString());
                if (m.matches()) {
                    numbers.add(Long.parseLong(m.group(1)));
                }
            });
        }
        numbers.sort(null);
        List<ConfigVersion> out = new ArrayList<>(numbers.size());
        for (long number : numbers) {
            out.add(read(number));
        }
        return out;
    }

    /** One version, or an exception naming the file when it is missing or damaged. */
    public ConfigVersion read(long version) throws IOException {
        Path file = file(version);
        try {
            ObjectNode node = (ObjectNode) json.readTree(file.toFile());
            return new ConfigVersion(node.path("version").asLong(), node.path("parent").asLong(),
                    node.path("time_ms").asLong(), node.path("actor").asText(), node.path("action").asText(),
                    node.path("target").asText(), node.path("detail").asText(), (ObjectNode) node.get("document"));
        } catch (IOException | ClassCastException | NullPointerException e) {
            throw new IOException(file + ": not a readable config version (" + e.getMessage()
                    + "); restore it from a backup or move it aside to start from the previous version", e);
        }
    }

    /** Writes a new version durably; refuses to overwrite one. */
    public void write(ConfigVersion v) throws IOException {
        Path target = file(v.version());
        if (Files.exists(target)) {
            throw new IOException(target + " already exists: versions are never rewritten");
        }
        ObjectNode node = json.createObjectNode();
        node.put("version", v.version());
        node.put("parent", v.parent());
        node.put("time_ms", v.timeMillis());
        node.put("actor", v.actor());
        node.put("action", v.action());
        node.put("target", v.target());
        node.put("detail", v.detail());
        node.set("document", v.document());
        byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
        Path temporary = dir.resolve(target.getFileName() + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(java.nio.ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, target);
        }
        try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ)) {
            directory.force(true);
        } catch (IOException e) {
            // Some file systems cannot force a directory; the rename is still atomic there.
        }
    }

    private Path file(long version) {
        return dir.resolve(String.format("%08d.json", version));
    }
}
