package io.aegis.gateway.rules;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule files a config names ({@code rules: ["configs/rules/*.yaml"]}): a glob in the file name
 * expands to the matching files sorted by name (a missing directory matches nothing); a plain path
 * is taken as it is, so a missing file is reported by the compiler.
 */
public final class RuleFiles {
    private RuleFiles() {
    }

    public static List<Path> expand(List<String> patterns) throws IOException {
        List<Path> files = new ArrayList<>();
        for (String pattern : patterns) {
            Path path = Path.of(pattern);
            String name = path.getFileName() == null ? "" : path.getFileName().toString();
            if (name.indexOf('*') < 0 && name.indexOf('?') < 0 && name.indexOf('[') < 0 && name.indexOf('{') < 0) {
                files.add(path);
                continue;
            }
            Path dir = path.getParent() == null ? Path.of(".") : path.getParent();
            List<Path> matched = new ArrayList<>();
            try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, name)) {
                for (Path file : stream) {
                    if (Files.isRegularFile(file)) {
                        matched.add(file);
                    }
                }
            } catch (NoSuchFileException | NotDirectoryException e) {
                continue;
            }
            matched.sort(null);
            files.addAll(matched);
        }
        return files;
    }
}
