package io.appliance.node.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The REST API's bearer token in {@code <stateDirectory>/api-token}: 32 random bytes as 64 hex
 * digits, generated on the first start into a file readable by its owner only (mode 0600).
 */
public final class ApiToken {

    static final int TOKEN_BYTES = 32;
    private static final Logger LOG = LoggerFactory.getLogger(ApiToken.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private ApiToken() {
    }

    /**
     * The token and whether this call generated it (then it may be shown once).
     *
     * @param token     the token text
     * @param generated true when the file did not exist and was created now
     */
    public record Loaded(String token, boolean generated) {
        @Override
        public String toString() {
            return "ApiToken.Loaded[token=(hidden), generated=" + generated + "]";
        }
    }

    /**
     * Reads the token from {@code file}, or generates one into a new file with mode 0600.
     *
     * @throws IOException when the file cannot be read or created, or holds no token
     */
    public static Loaded loadOrGenerate(Path file, SecureRandom random) throws IOException {
        if (!Files.exists(file)) {
            byte[] bytes = new byte[TOKEN_BYTES];
            random.nextBytes(bytes);
            String token = HexFormat.of().formatHex(bytes);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try {
                // created with 0600 from the start: no moment where another user could read it
                Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                Files.writeString(file, token + "\n", StandardCharsets.US_ASCII);
                return new Loaded(token, true);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            }
        }
        return new Loaded(read(file), false);
    }

    /**
     * Reads an existing token file; warns when others may read it.
     *
     * @throws IOException when it is unreadable or empty
     */
    public static String read(Path file) throws IOException {
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (token.isEmpty()) {
            throw new IOException("the API token file " + file + " is empty; delete it and restart the node to get a new token");
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(permissions)) {
            LOG.warn("The API token file {} is readable by others ({}); run chmod 600 on it", file,
                    PosixFilePermissions.toString(permissions));
        }
        return token;
    }
}
