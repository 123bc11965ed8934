package io.appliance.iscsi.login;

import io.appliance.iscsi.target.ChapCredentials;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The target side of one CHAP exchange, RFC 7143 §12.1.3 over RFC 1994: answer the initiator's
 * CHAP_A with an algorithm, an identifier and a random challenge; verify its CHAP_N/CHAP_R; when
 * it sends its own CHAP_I/CHAP_C (mutual CHAP), prove the target's credentials back. Every
 * failure is {@link LoginStatus#AUTHENTICATION_FAILURE}, whatever the cause, so that a client
 * learns nothing about which part was wrong. Not thread safe.
 */
final class ChapAuthenticator {

    /** §12.1.3: binary CHAP values are at most 1024 bytes. */
    static final int MAX_BINARY_LENGTH = 1024;
    static final String CHAP_A = "CHAP_A";
    static final String CHAP_I = "CHAP_I";
    static final String CHAP_C = "CHAP_C";
    static final String CHAP_N = "CHAP_N";
    static final String CHAP_R = "CHAP_R";

    private enum State { AWAIT_ALGORITHMS, AWAIT_RESPONSE, DONE }

    private final ChapCredentials initiatorCredentials;
    private final Optional<ChapCredentials> targetCredentials;
    private final SecureRandom random;
    private State state = State.AWAIT_ALGORITHMS;
    private ChapAlgorithm algorithm;
    private int identifier;
    private byte[] challenge;

    /**
     * @param initiatorCredentials what the initiator must prove
     * @param targetCredentials    what the target proves back when the initiator asks (mutual CHAP)
     */
    ChapAuthenticator(ChapCredentials initiatorCredentials, Optional<ChapCredentials> targetCredentials,
                      SecureRandom random) {
        this.initiatorCredentials = Objects.requireNonNull(initiatorCredentials, "initiatorCredentials");
        this.targetCredentials = Objects.requireNonNull(targetCredentials, "targetCredentials");
        this.random = Objects.requireNonNull(random, "random");
    }

    boolean awaitingAlgorithms() {
        return state == State.AWAIT_ALGORITHMS;
    }

    boolean awaitingResponse() {
        return state == State.AWAIT_RESPONSE;
    }

    boolean authenticated() {
        return state == State.DONE;
    }

    /**
     * Picks the first algorithm of the initiator's CHAP_A list that we support and returns
     * CHAP_A, CHAP_I and CHAP_C (§12.1.3 second step).
     */
    List<TextParameter> challenge(String offeredAlgorithms) throws LoginRejectedException {
        if (state != State.AWAIT_ALGORITHMS) {
            throw failure("CHAP_A out of sequence");
        }
        for (String offered : KeyValues.list(offeredAlgorithms)) {
            OptionalLong code = KeyValues.numerical(offered);
            Optional<ChapAlgorithm> supported = code.isPresent() ? ChapAlgorithm.fromCode(code.getAsLong()) : Optional.empty();
            if (supported.isPresent()) {
                algorithm = supported.get();
                identifier = random.nextInt(256);
                // a challenge as long as the digest: RFC 1994 §2.3 wants it unpredictable, never reused
                challenge = new byte[Math.max(16, algorithm.digestLength())];
                random.nextBytes(challenge);
                state = State.AWAIT_RESPONSE;
                return List.of(
                        new TextParameter(CHAP_A, Integer.toString(algorithm.code())),
                        new TextParameter(CHAP_I, Integer.toString(identifier)),
                        new TextParameter(CHAP_C, BinaryValues.encodeHex(challenge)));
            }
        }
        // §12.1.3: no acceptable algorithm is answered with Authentication Failure
        throw failure("no supported CHAP_A in " + offeredAlgorithms);
    }

    /**
     * Verifies the initiator's response and, when it sent CHAP_I and CHAP_C, returns the target's
     * CHAP_N and CHAP_R (§12.1.3 third and fourth steps); otherwise returns no keys.
     *
     * @param mutualIdentifier the initiator's CHAP_I, if sent
     * @param mutualChallenge  the initiator's CHAP_C, if sent
     */
    List<TextParameter> verify(Optional<String> name, Optional<String> response,
                               Optional<String> mutualIdentifier, Optional<String> mutualChallenge)
            throws LoginRejectedException {
        if (state != State.AWAIT_RESPONSE) {
            throw failure("CHAP_N/CHAP_R out of sequence");
        }
        if (name.isEmpty() || response.isEmpty()) {
            throw failure("CHAP_N and CHAP_R are required after the challenge");
        }
        boolean mutual = mutualIdentifier.isPresent() || mutualChallenge.isPresent();
        int initiatorIdentifier = 0;
        byte[] initiatorChallenge = null;
        if (mutual) {
            if (mutualIdentifier.isEmpty() || mutualChallenge.isEmpty()) {
                throw failure("mutual CHAP needs both CHAP_I and CHAP_C");
            }
            if (targetCredentials.isEmpty()) {
                throw failure("mutual CHAP requested but no target credentials are configured");
            }
            initiatorIdentifier = (int) KeyValues.numericalInRange(mutualIdentifier.get(), 0, 255)
                    .orElseThrow(() -> failure("CHAP_I is not 0..255"));
            initiatorChallenge = BinaryValues.decode(mutualChallenge.get(), MAX_BINARY_LENGTH)
                    .orElseThrow(() -> failure("CHAP_C is not a binary value of 1..1024 bytes"));
            // §12.1.3: a challenge reflected back at us must be refused
            if (MessageDigest.isEqual(initiatorChallenge, challenge)) {
                throw failure("the initiator reflected the target's challenge");
            }
        }
        byte[] received = BinaryValues.decode(response.get(), MAX_BINARY_LENGTH)
                .orElseThrow(() -> failure("CHAP_R is not a binary value"));
        byte[] expected = algorithm.response(identifier, secret(initiatorCredentials), challenge);
        boolean responseMatches = MessageDigest.isEqual(expected, received);
        boolean nameMatches = initiatorCredentials.user().equals(name.get());
        Arrays.fill(challenge, (byte) 0);
        if (!(responseMatches && nameMatches)) {
            throw failure("CHAP response or name does not match");
        }
        state = State.DONE;
        if (!mutual) {
            return List.of();
        }
        ChapCredentials target = targetCredentials.get();
        byte[] proof = algorithm.response(initiatorIdentifier, secret(target), initiatorChallenge);
        return List.of(new TextParameter(CHAP_N, target.user()), new TextParameter(CHAP_R, BinaryValues.encodeHex(proof)));
    }

    private static byte[] secret(ChapCredentials credentials) {
        return credentials.secret().getBytes(StandardCharsets.UTF_8);
    }

    private static LoginRejectedException failure(String reason) {
        return new LoginRejectedException(LoginStatus.AUTHENTICATION_FAILURE, reason);
    }
}
