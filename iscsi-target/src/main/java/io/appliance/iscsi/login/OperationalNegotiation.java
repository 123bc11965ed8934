package io.appliance.iscsi.login;

import static io.appliance.iscsi.login.KeyValues.IRRELEVANT;
import static io.appliance.iscsi.login.KeyValues.REJECT;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.IntConsumer;

/**
 * The operational keys of RFC 7143 §13 (and iSCSIProtocolLevel, §13.24) for one login: one
 * handler per key behind one dispatch table, each applying the key's result function against
 * {@link TargetLimits}. Values start at the RFC defaults and change only through an answer sent
 * to the initiator. Not thread safe.
 */
final class OperationalNegotiation {

    /** §13: LO keys are negotiated on the leading connection only; IO and ALL keys on any. */
    private enum Use { LEADING_ONLY, ANY_CONNECTION }

    /** Answers one offered value; empty for a declaration that needs no answer. */
    @FunctionalInterface
    private interface KeyHandler {
        Optional<String> answer(OperationalNegotiation negotiation, String offered) throws LoginRejectedException;
    }

    private record KeyRule(Use use, boolean irrelevantInDiscovery, KeyHandler handler) {
    }

    private static final String FIRST_BURST_LENGTH = "FirstBurstLength";
    private static final String TASK_REPORTING_RFC3720 = "RFC3720";
    /** §13.24: the protocol level of RFC 7143 itself; RFC 7144 features (level 2) are not implemented. */
    private static final int PROTOCOL_LEVEL = 1;
    private static final int MAX_PROTOCOL_LEVEL = 31;

    private static final Map<String, KeyRule> RULES = Map.ofEntries(
            Map.entry("HeaderDigest", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::headerDigest)),
            Map.entry("DataDigest", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::dataDigest)),
            Map.entry("MaxConnections", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::maxConnections)),
            Map.entry("InitialR2T", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::initialR2T)),
            Map.entry("ImmediateData", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::immediateData)),
            Map.entry(LoginKeys.MAX_RECV_DATA_SEGMENT_LENGTH,
                    new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::maxRecvDataSegmentLength)),
            Map.entry("MaxBurstLength", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::maxBurstLength)),
            Map.entry(FIRST_BURST_LENGTH, new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::firstBurstLength)),
            Map.entry("DefaultTime2Wait", new KeyRule(Use.LEADING_ONLY, false, OperationalNegotiation::defaultTime2Wait)),
            Map.entry("DefaultTime2Retain", new KeyRule(Use.LEADING_ONLY, false, OperationalNegotiation::defaultTime2Retain)),
            Map.entry("MaxOutstandingR2T", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::maxOutstandingR2T)),
            Map.entry("DataPDUInOrder", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::dataPduInOrder)),
            Map.entry("DataSequenceInOrder", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::dataSequenceInOrder)),
            Map.entry("ErrorRecoveryLevel", new KeyRule(Use.LEADING_ONLY, false, OperationalNegotiation::errorRecoveryLevel)),
            Map.entry("TaskReporting", new KeyRule(Use.LEADING_ONLY, true, OperationalNegotiation::taskReporting)),
            Map.entry("iSCSIProtocolLevel", new KeyRule(Use.LEADING_ONLY, false, OperationalNegotiation::protocolLevel)),
            Map.entry("OFMarker", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::obsoleteMarker)),
            Map.entry("IFMarker", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::obsoleteMarker)),
            Map.entry("OFMarkInt", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::obsoleteMarkInterval)),
            Map.entry("IFMarkInt", new KeyRule(Use.ANY_CONNECTION, false, OperationalNegotiation::obsoleteMarkInterval)));

    private final TargetLimits limits;
    private final SessionType sessionType;
    private final boolean leadingConnection;

    private String headerDigest = TargetLimits.DIGEST_NONE;
    private String dataDigest = TargetLimits.DIGEST_NONE;
    private int initiatorMaxRecvDataSegmentLength = 8192;
    private boolean targetMaxRecvDataSegmentLengthDeclared;
    private int maxConnections = 1;
    private boolean initialR2T = true;
    private boolean immediateData = true;
    private int maxBurstLength = 262144;
    private int firstBurstLength = 65536;
    private int defaultTime2Wait = 2;
    private int defaultTime2Retain = 20;
    private int maxOutstandingR2T = 1;
    private int errorRecoveryLevel;

    OperationalNegotiation(TargetLimits limits, SessionType sessionType, boolean leadingConnection) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.sessionType = Objects.requireNonNull(sessionType, "sessionType");
        this.leadingConnection = leadingConnection;
    }

    static boolean isOperationalKey(String key) {
        return RULES.containsKey(key);
    }

    /**
     * Answers the operational keys of one request, in their order. FirstBurstLength is decided
     * last because its bound and its relevance depend on MaxBurstLength, InitialR2T and
     * ImmediateData (§13.14), which may come after it in the same request.
     *
     * @param keys operational keys only ({@link #isOperationalKey})
     */
    List<TextParameter> answer(List<TextParameter> keys) throws LoginRejectedException {
        List<Optional<TextParameter>> answers = new ArrayList<>(Collections.nCopies(keys.size(), Optional.empty()));
        for (int i = 0; i < keys.size(); i++) {
            if (!keys.get(i).key().equals(FIRST_BURST_LENGTH)) {
                answers.set(i, answerOne(keys.get(i)));
            }
        }
        for (int i = 0; i < keys.size(); i++) {
            if (keys.get(i).key().equals(FIRST_BURST_LENGTH)) {
                answers.set(i, answerOne(keys.get(i)));
            }
        }
        return answers.stream().flatMap(Optional::stream).toList();
    }

    /**
     * Our MaxRecvDataSegmentLength declaration (§13.12), the first time it is asked for; empty
     * afterwards (a declaration must not be repeated, §6.3).
     */
    Optional<TextParameter> targetDeclaration() {
        if (targetMaxRecvDataSegmentLengthDeclared) {
            return Optional.empty();
        }
        targetMaxRecvDataSegmentLengthDeclared = true;
        return Optional.of(new TextParameter(LoginKeys.MAX_RECV_DATA_SEGMENT_LENGTH,
                Integer.toString(limits.maxRecvDataSegmentLength())));
    }

    /**
     * The values in force. A digest we do not accept (never negotiated away from a default we
     * refuse) fails the login, §7.11 (failed negotiation ends the login). FirstBurstLength is
     * bounded by MaxBurstLength (§13.14) even when the initiator lowered only MaxBurstLength.
     * Discovery sessions use one connection and ERL 0 (§13.21).
     */
    NegotiatedParameters result() throws LoginRejectedException {
        if (!limits.headerDigests().contains(headerDigest) || !limits.dataDigests().contains(dataDigest)) {
            throw new LoginRejectedException(LoginStatus.INITIATOR_ERROR,
                    "digest " + headerDigest + "/" + dataDigest + " not acceptable and not negotiated");
        }
        boolean discovery = sessionType == SessionType.DISCOVERY;
        int targetMaxRecv = targetMaxRecvDataSegmentLengthDeclared ? limits.maxRecvDataSegmentLength() : 8192;
        return new NegotiatedParameters(
                headerDigest.equals(TargetLimits.DIGEST_CRC32C), dataDigest.equals(TargetLimits.DIGEST_CRC32C),
                targetMaxRecv, initiatorMaxRecvDataSegmentLength,
                maxBurstLength, Math.min(firstBurstLength, maxBurstLength), initialR2T, immediateData,
                maxOutstandingR2T, true, true,
                discovery ? 0 : errorRecoveryLevel, defaultTime2Wait, defaultTime2Retain,
                discovery ? 1 : maxConnections);
    }

    private Optional<TextParameter> answerOne(TextParameter offer) throws LoginRejectedException {
        KeyRule rule = RULES.get(offer.key());
        Optional<String> answer;
        if (rule.use() == Use.LEADING_ONLY && !leadingConnection) {
            // §13: an LO key belongs to the session; a later connection cannot change it
            answer = Optional.of(IRRELEVANT);
        } else if (rule.irrelevantInDiscovery() && sessionType == SessionType.DISCOVERY) {
            // §13: "Irrelevant when: SessionType=Discovery"
            answer = Optional.of(IRRELEVANT);
        } else {
            answer = rule.handler().answer(this, offer.value());
        }
        return answer.map(value -> new TextParameter(offer.key(), value));
    }

    // §13.1: the first digest of the initiator's list that we accept
    private Optional<String> headerDigest(String offered) {
        Optional<String> chosen = firstAccepted(offered, limits.headerDigests());
        chosen.ifPresent(digest -> headerDigest = digest);
        return Optional.of(chosen.orElse(REJECT));
    }

    private Optional<String> dataDigest(String offered) {
        Optional<String> chosen = firstAccepted(offered, limits.dataDigests());
        chosen.ifPresent(digest -> dataDigest = digest);
        return Optional.of(chosen.orElse(REJECT));
    }

    // §13.2: Minimum
    private Optional<String> maxConnections(String offered) {
        return minimum(offered, 1, 65535, limits.maxConnections(), value -> maxConnections = value);
    }

    // §13.10: OR, so a Yes from either side makes it Yes
    private Optional<String> initialR2T(String offered) {
        Optional<Boolean> value = KeyValues.bool(offered);
        value.ifPresent(yes -> initialR2T = yes || limits.initialR2T());
        return Optional.of(value.isPresent() ? KeyValues.bool(initialR2T) : REJECT);
    }

    // §13.11: AND
    private Optional<String> immediateData(String offered) {
        Optional<Boolean> value = KeyValues.bool(offered);
        value.ifPresent(yes -> immediateData = yes && limits.immediateData());
        return Optional.of(value.isPresent() ? KeyValues.bool(immediateData) : REJECT);
    }

    // §13.12: declarative, the largest segment we may send; never answered. A declaration out of
    // range cannot be refused with Reject (our own declaration uses the same key), so it is a
    // protocol error.
    private Optional<String> maxRecvDataSegmentLength(String offered) throws LoginRejectedException {
        OptionalLong value = KeyValues.numericalInRange(offered, TargetLimits.MIN_LENGTH, TargetLimits.MAX_LENGTH);
        if (value.isEmpty()) {
            throw new LoginRejectedException(LoginStatus.INITIATOR_ERROR, "MaxRecvDataSegmentLength=" + offered);
        }
        initiatorMaxRecvDataSegmentLength = (int) value.getAsLong();
        return Optional.empty();
    }

    // §13.13: Minimum
    private Optional<String> maxBurstLength(String offered) {
        return minimum(offered, TargetLimits.MIN_LENGTH, TargetLimits.MAX_LENGTH, limits.maxBurstLength(),
                value -> maxBurstLength = value);
    }

    // §13.14: Minimum, at most MaxBurstLength, Irrelevant when InitialR2T=Yes and ImmediateData=No
    private Optional<String> firstBurstLength(String offered) {
        if (initialR2T && !immediateData) {
            return Optional.of(IRRELEVANT);
        }
        return minimum(offered, TargetLimits.MIN_LENGTH, TargetLimits.MAX_LENGTH,
                Math.min(limits.firstBurstLength(), maxBurstLength), value -> firstBurstLength = value);
    }

    // §13.15: Maximum
    private Optional<String> defaultTime2Wait(String offered) {
        OptionalLong value = KeyValues.numericalInRange(offered, 0, 3600);
        if (value.isEmpty()) {
            return Optional.of(REJECT);
        }
        defaultTime2Wait = (int) Math.max(value.getAsLong(), limits.defaultTime2Wait());
        return Optional.of(Integer.toString(defaultTime2Wait));
    }

    // §13.16: Minimum
    private Optional<String> defaultTime2Retain(String offered) {
        return minimum(offered, 0, 3600, limits.defaultTime2Retain(), value -> defaultTime2Retain = value);
    }

    // §13.17: Minimum
    private Optional<String> maxOutstandingR2T(String offered) {
        return minimum(offered, 1, 65535, limits.maxOutstandingR2T(), value -> maxOutstandingR2T = value);
    }

    // §13.18 and §13.19: OR, and we always want ordered data, so the answer is Yes
    private Optional<String> dataPduInOrder(String offered) {
        return Optional.of(KeyValues.bool(offered).isPresent() ? KeyValues.YES : REJECT);
    }

    private Optional<String> dataSequenceInOrder(String offered) {
        return Optional.of(KeyValues.bool(offered).isPresent() ? KeyValues.YES : REJECT);
    }

    // §13.20: Minimum; §13.21: a discovery session runs at ERL 0
    private Optional<String> errorRecoveryLevel(String offered) {
        int ours = sessionType == SessionType.DISCOVERY ? 0 : limits.errorRecoveryLevel();
        return minimum(offered, 0, 2, ours, value -> errorRecoveryLevel = value);
    }

    // §13.23: we implement the RFC 3720 semantics, which every offer must include
    private Optional<String> taskReporting(String offered) {
        return Optional.of(KeyValues.list(offered).contains(TASK_REPORTING_RFC3720) ? TASK_REPORTING_RFC3720 : REJECT);
    }

    // §13.24: Minimum
    private Optional<String> protocolLevel(String offered) {
        return minimum(offered, 0, MAX_PROTOCOL_LEVEL, PROTOCOL_LEVEL, value -> { });
    }

    // §13.25: markers are obsolete; "No" is an allowed answer to OFMarker/IFMarker
    private Optional<String> obsoleteMarker(String offered) {
        return Optional.of(KeyValues.bool(offered).isPresent() ? KeyValues.NO : REJECT);
    }

    // §13.25: OFMarkInt/IFMarkInt MUST be answered Reject
    private Optional<String> obsoleteMarkInterval(String offered) {
        return Optional.of(REJECT);
    }

    private Optional<String> minimum(String offered, long min, long max, int ours, IntConsumer apply) {
        OptionalLong value = KeyValues.numericalInRange(offered, min, max);
        if (value.isEmpty()) {
            // §6.2: an unacceptable value is answered Reject; the value in force does not change
            return Optional.of(REJECT);
        }
        int result = (int) Math.min(value.getAsLong(), ours);
        apply.accept(result);
        return Optional.of(Integer.toString(result));
    }

    private static Optional<String> firstAccepted(String offered, List<String> accepted) {
        return KeyValues.list(offered).stream().filter(accepted::contains).findFirst();
    }
}
