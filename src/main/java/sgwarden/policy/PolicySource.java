package sgwarden.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where the policies come from: a file (sgwarden.policy.file) or the same YAML inline
 * (sgwarden.policy.inline, for hosts that mount no files). Both is an error; neither means no
 * policies, so every change asks a person.
 */
public final class PolicySource {

    public static final String FILE_SETTING = "sgwarden.policy.file";
    public static final String INLINE_SETTING = "sgwarden.policy.inline";

    private PolicySource() {
    }

    public static PolicyFile load(Optional<String> file, Optional<String> inline) {
        Optional<String> path = file.filter(s -> !s.isBlank());
        Optional<String> yaml = inline.filter(s -> !s.isBlank());
        if (path.isPresent() && yaml.isPresent()) {
            throw new PolicyFileException(FILE_SETTING, 0, "both " + FILE_SETTING + " and " + INLINE_SETTING
                    + " are set; set one of them", null);
        }
        if (yaml.isPresent()) {
            return PolicyParser.parse(yaml.get(), INLINE_SETTING);
        }
        if (path.isPresent()) {
            return read(Path.of(path.get()));
        }
        return PolicyFile.none();
    }

    public static PolicyFile read(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyFileException(path.toString(), 0, "cannot read it: " + e, e);
        }
        return PolicyParser.parse(text, path.toString());
    }
}
