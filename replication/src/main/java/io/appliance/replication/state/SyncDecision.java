package io.appliance.replication.state;

/**
 * The outcome of the sync handshake, seen from the node that computed it ("self").
 * {@link SyncHandshake#decide} on both nodes gives mirrored outcomes.
 */
public sealed interface SyncDecision {

    /** The rule that decided, as DRBD logs "uuid_compare()=N by rule M"; see {@link SyncHandshake}. */
    int rule();

    /** One line for the log and the status' last event, with node names, in DRBD's words. */
    String explanation();

    /** Nothing to resync: Established. */
    record NoSync(int rule, String explanation) implements SyncDecision {
    }

    /** Self sends: SyncSource. {@code fullSync}: every block (else the merged quick-sync bitmaps). */
    record BecomeSyncSource(boolean fullSync, int rule, String explanation) implements SyncDecision {
    }

    /** Self receives: SyncTarget. {@code fullSync}: every block (else the merged quick-sync bitmaps). */
    record BecomeSyncTarget(boolean fullSync, int rule, String explanation) implements SyncDecision {
    }

    /**
     * Both nodes changed their data since they parted. {@link SyncHandshake#decide} returns this only when
     * no policy and no {@code --discard-my-data} resolved it ({@code autoResolved} false): both go
     * StandAlone. A resolved split brain is returned as BecomeSyncSource/BecomeSyncTarget instead, with
     * the policy in the explanation.
     */
    record SplitBrain(boolean autoResolved, int rule, String explanation) implements SyncDecision {
    }

    /** The generation identifiers share no history: the data of both nodes is unrelated. StandAlone. */
    record UnrelatedData(int rule, String explanation) implements SyncDecision {
    }

    /**
     * Not in the original design (added by the state package): the resync would make a Primary with
     * consistent data a SyncTarget outside a split brain, changing data under its users. DRBD refuses
     * this with its default {@code rr-conflict disconnect} ("I shall become SyncTarget, but I am
     * primary!"). Treat as a refused handshake: StandAlone; the admin demotes that node and connects again.
     */
    record PrimaryConflict(int rule, String explanation) implements SyncDecision {
    }
}
