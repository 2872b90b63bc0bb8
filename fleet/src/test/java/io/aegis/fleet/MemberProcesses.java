package io.aegis.fleet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Budget cluster members as processes of their own ({@link FleetNodeMain}, with this JVM's class path
 * and module flags), so that a test can kill one with SIGKILL: no snapshot, no goodbye. Each member
 * prints its role as it changes; {@link #leader} waits for one.
 */
public final class MemberProcesses implements AutoCloseable {
    private final List<String> endpoints;
    private final Path dir;
    private final Process[] members;
    private final List<AtomicReference<String>> roles = new ArrayList<>();

    /** Members of the cluster whose client endpoints are {@code endpoints}, with their files under {@code dir}. */
    public MemberProcesses(List<String> endpoints, Path dir) {
        this.endpoints = List.copyOf(endpoints);
        this.dir = dir;
        this.members = new Process[endpoints.size()];
        endpoints.forEach(e -> roles.add(new AtomicReference<>("")));
    }

    /** Starts member {@code n} (again, over its own files, after it was killed). */
    public void start(int n) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (flag.startsWith("--add-") || flag.startsWith("--enable-native-access")) {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FleetNodeMain.class.getName(),
                String.join(",", endpoints), String.valueOf(n), dir.resolve("member-" + n).toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        members[n] = process;
        roles.get(n).set("");
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("role ")) {
                        roles.get(n).set(line.substring(5));
                    } else if (line.contains("Exception") || line.contains("ERROR")) {
                        System.out.println("member " + n + ": " + line);
                    }
                }
            } catch (Exception ignored) {
                // the process died
            }
        }, "member-" + n + "-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts every member. */
    public void startAll() throws Exception {
        for (int n = 0; n < members.length; n++) {
            start(n);
        }
    }

    /** The member that is leader now, waiting up to a minute for an election. */
    public int leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            for (int n = 0; n < members.length; n++) {
                if (members[n] != null && members[n].isAlive() && roles.get(n).get().equals("LEADER")) {
                    return n;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no leader elected");
    }

    /** Member {@code n}'s role as it last printed it ({@code ""} before the first). */
    public String role(int n) {
        return roles.get(n).get();
    }

    /** Kills member {@code n} with SIGKILL and waits for it to be gone. */
    public void kill(int n) throws InterruptedException {
        members[n].destroyForcibly();
        members[n].waitFor();
    }

    @Override
    public void close() {
        for (Process member : members) {
            if (member != null) {
                member.destroyForcibly();
            }
        }
    }
}
