package io.appliance.iscsi.scsi;

import io.appliance.iscsi.block.BlockDeviceNotReadyException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The persistent reservations of one logical unit (SPC-4 §5.13): the registered I_T nexuses with
 * their keys, the reservation (type and holder), the PRGENERATION counter and APTPL.
 *
 * <p>Every PERSISTENT RESERVE OUT service action computes a new immutable {@link State}, saves it
 * through the {@link ReservationStore} and only then publishes it and establishes its unit
 * attentions; a failed save leaves the published state unchanged. Service actions are serialised
 * by this object's monitor; the access check that runs before every command reads the published
 * state without a lock. When the store says its state was replaced elsewhere (by the peer node of a
 * replicated disk), the next reader loads it again before using it.
 */
final class PersistentReservations {

    private static final Logger LOG = LoggerFactory.getLogger(PersistentReservations.class);

    /** Delivers a unit attention to every nexus the predicate accepts. */
    @FunctionalInterface
    interface AttentionSink {
        void establish(UnitAttention condition, Predicate<ItNexus> nexuses);
    }

    /** How a command fares under a reservation it does not hold (SPC-4 Table 62, SBC-3 Table 13). */
    private enum Access {
        /** Allowed under every reservation type. */
        ALWAYS,
        /** Reads the medium: allowed under Write Exclusive types, conflicts under Exclusive Access. */
        READ,
        /** Everything else: conflicts. */
        WRITE
    }

    private static final int FORMAT_MAGIC = 0x41505231; // "APR1"
    private static final int MAX_REGISTRATIONS = 65536;

    private final ReservationStore store;
    private final AttentionSink attentions;
    private volatile State state;

    private PersistentReservations(ReservationStore store, AttentionSink attentions, State state) {
        this.store = store;
        this.attentions = attentions;
        this.state = state;
    }

    /**
     * Loads the state from {@code store} (an empty store means no registrations).
     *
     * @throws UncheckedIOException when the store cannot be read or holds no valid state
     */
    static PersistentReservations open(ReservationStore store, AttentionSink attentions) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(attentions, "attentions");
        try {
            Optional<byte[]> saved = store.load();
            State state = saved.isPresent() ? decode(saved.get()) : State.EMPTY;
            return new PersistentReservations(store, attentions, state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot load the persistent reservations from " + store, e);
        }
    }

    State state() {
        return current();
    }

    /**
     * The published state, loaded again first when the store's state was replaced elsewhere. A load
     * that fails keeps the state held so far (logged) and is retried by the next reader.
     */
    private State current() {
        if (store.replacedElsewhere()) {
            reload();
        }
        return state;
    }

    private synchronized void reload() {
        if (!store.replacedElsewhere()) {
            return;
        }
        try {
            Optional<byte[]> saved = store.load();
            state = saved.isPresent() ? decode(saved.get()) : State.EMPTY;
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not load the persistent reservations replaced in {}; keeping the ones held: {}", store,
                    e.toString());
        }
    }

    /** One registered I_T nexus; with ALL_TG_PT it stands for that initiator port on every target port. */
    record Registration(ItNexus nexus, long key, boolean allTargetPorts) {
        boolean matches(ItNexus other) {
            return nexus.initiatorPortName().equals(other.initiatorPortName())
                    && (allTargetPorts || nexus.targetPortName().equals(other.targetPortName()));
        }

        Registration withKey(long newKey) {
            return new Registration(nexus, newKey, allTargetPorts);
        }
    }

    /**
     * An immutable snapshot.
     *
     * @param generation    PRGENERATION (SPC-4 §6.14.2)
     * @param registrations in registration order
     * @param type          the reservation's type, null when there is no reservation
     * @param holder        the holder's registration nexus; null when there is no reservation or
     *                      the type is an All Registrants type
     * @param persistThroughPowerLoss the APTPL bit of the last REGISTER
     */
    record State(long generation, List<Registration> registrations, ReservationType type, ItNexus holder,
            boolean persistThroughPowerLoss) {

        static final State EMPTY = new State(0, List.of(), null, null, false);

        State {
            registrations = List.copyOf(registrations);
        }

        Registration registrationOf(ItNexus nexus) {
            for (Registration registration : registrations) {
                if (registration.matches(nexus)) {
                    return registration;
                }
            }
            return null;
        }

        Registration holderRegistration() {
            if (type == null || holder == null) {
                return null;
            }
            for (Registration registration : registrations) {
                if (registration.nexus().equals(holder)) {
                    return registration;
                }
            }
            return null;
        }

        /** SPC-4 §5.13.10: the holder, or with an All Registrants type every registrant. */
        boolean isHolder(Registration registration) {
            if (type == null || registration == null) {
                return false;
            }
            return type.allRegistrantsHold() || registration.nexus().equals(holder);
        }

        boolean isHolder(ItNexus nexus) {
            return isHolder(registrationOf(nexus));
        }

        State next(List<Registration> newRegistrations, ReservationType newType, ItNexus newHolder) {
            return new State(generation + 1, newRegistrations, newType, newHolder, persistThroughPowerLoss);
        }

        State withReservation(ReservationType newType, ItNexus newHolder) {
            return new State(generation, registrations, newType, newHolder, persistThroughPowerLoss);
        }
    }

    // ---- the access check, before every command ----

    /**
     * Throws when {@code nexus} may not run {@code cdb} under the current persistent reservation
     * (SPC-4 §5.13.1 Table 62, SBC-3 §4.18 Table 13), or when an SPC-2 RESERVE/RELEASE meets
     * registrations (SPC-4 §5.13.3, CRH 1).
     */
    void checkAccess(ItNexus nexus, byte[] cdb) throws ReservationConflictException {
        State current = current();
        int opcode = cdb[0] & 0xFF;
        if (opcode == 0x16 || opcode == 0x56) {
            if (!current.registrations().isEmpty()) {
                throw new ReservationConflictException("RESERVE on a logical unit with persistent registrations");
            }
            return;
        }
        if (opcode == 0x17 || opcode == 0x57) {
            if (!current.registrations().isEmpty() && !current.isHolder(nexus)) {
                throw new ReservationConflictException("RELEASE on a logical unit with persistent registrations");
            }
            return;
        }
        ReservationType type = current.type();
        if (type == null) {
            return;
        }
        Registration registration = current.registrationOf(nexus);
        if (current.isHolder(registration)) {
            return;
        }
        Access access = accessOf(cdb);
        if (access == Access.ALWAYS || (registration != null && type.registrantsHaveAccess())
                || (access == Access.READ && !type.exclusiveAccess())) {
            return;
        }
        throw new ReservationConflictException("persistent reservation " + type + " held by another nexus");
    }

    private static Access accessOf(byte[] cdb) {
        int opcode = cdb[0] & 0xFF;
        switch (opcode) {
            case 0x00, 0x03, 0x12, 0x1A, 0x25, 0x4D, 0x5A, 0x5E, 0x5F, 0xA0, 0xA3:
                // TEST UNIT READY, REQUEST SENSE, INQUIRY, MODE SENSE, READ CAPACITY(10), LOG SENSE,
                // PERSISTENT RESERVE IN/OUT (OUT checks registration itself), REPORT LUNS, MAINTENANCE IN
                return Access.ALWAYS;
            case 0x08, 0x28, 0xA8, 0x88, 0x2F, 0xAF, 0x8F, 0x34, 0x90, 0x37, 0xB7, 0x84:
                // READ, VERIFY, PRE-FETCH, READ DEFECT DATA, RECEIVE COPY RESULTS
                return Access.READ;
            case 0x9E: {
                int serviceAction = cdb.length > 1 ? cdb[1] & 0x1F : -1;
                // READ CAPACITY(16) always; GET LBA STATUS reads
                return serviceAction == 0x10 ? Access.ALWAYS : serviceAction == 0x12 ? Access.READ : Access.WRITE;
            }
            default:
                return Access.WRITE;
        }
    }

    // ---- PERSISTENT RESERVE OUT service actions (SPC-4 §5.13.5 - §5.13.11) ----

    /**
     * REGISTER and REGISTER AND IGNORE EXISTING KEY (SPC-4 §5.13.5, §5.13.6).
     *
     * @param ignoreExisting REGISTER AND IGNORE EXISTING KEY: {@code key} is not checked
     */
    synchronized void register(ItNexus nexus, long key, long serviceActionKey, boolean ignoreExisting,
            boolean allTargetPorts, boolean persistThroughPowerLoss) throws ReservationConflictException, SenseException {
        State current = current();
        Registration own = current.registrationOf(nexus);
        if (own == null) {
            if (!ignoreExisting && key != 0) {
                throw new ReservationConflictException("REGISTER from an unregistered nexus with a non-zero key");
            }
            if (serviceActionKey == 0) {
                return;
            }
            List<Registration> registrations = new ArrayList<>(current.registrations());
            if (registrations.size() >= MAX_REGISTRATIONS) {
                throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x55, 0x04, "registration resources exhausted");
            }
            registrations.add(new Registration(nexus, serviceActionKey, allTargetPorts));
            commit(new State(current.generation() + 1, registrations, current.type(), current.holder(),
                    persistThroughPowerLoss));
            return;
        }
        if (!ignoreExisting && key != own.key()) {
            throw new ReservationConflictException("REGISTER with a key other than the registered one");
        }
        List<Registration> registrations = new ArrayList<>(current.registrations());
        int index = registrations.indexOf(own);
        if (serviceActionKey != 0) {
            registrations.set(index, own.withKey(serviceActionKey));
            commit(new State(current.generation() + 1, registrations, current.type(), current.holder(),
                    persistThroughPowerLoss));
            return;
        }
        // unregister (SPC-4 §5.13.11.3): a holder that unregisters releases the reservation, except
        // that an All Registrants reservation lasts while any registrant remains
        registrations.remove(index);
        ReservationType type = current.type();
        ItNexus holder = current.holder();
        boolean released = false;
        if (current.isHolder(own) && (!type.allRegistrantsHold() || registrations.isEmpty())) {
            released = true;
            type = null;
            holder = null;
        }
        commit(new State(current.generation() + 1, registrations, type, holder, current.persistThroughPowerLoss()));
        if (released && current.type().registrantsHaveAccess() && !current.type().allRegistrantsHold()) {
            // SPC-4 §5.13.11.2: Registrants Only released by unregistering: RESERVATIONS RELEASED
            notify(UnitAttention.RESERVATIONS_RELEASED, registrations, nexus);
        }
    }

    /** An initiator port a SPEC_I_PT TransportID names, as an I_T nexus on the receiving target port. */
    record SpecifiedPort(ItNexus nexus, int parameterListOffset) {
    }

    /**
     * REGISTER with SPEC_I_PT (SPC-4 §5.13.7 Table 67 and Table 69, §6.16.3): registers the receiving
     * nexus and each specified initiator port with {@code serviceActionKey}, on the receiving target
     * port or, with {@code allTargetPorts}, on all of them — all in one step (one PRGENERATION
     * increment, one save) or none.
     *
     * <ul>
     *   <li>From a registered nexus: RESERVATION CONFLICT when {@code key} is not its key, otherwise
     *       INVALID FIELD IN PARAMETER LIST (Table 67 footnote c; SPEC_I_PT is byte 20 bit 3).
     *   <li>From an unregistered nexus: RESERVATION CONFLICT when {@code key} is not zero; nothing
     *       happens when {@code serviceActionKey} is zero.
     *   <li>A specified port already registered (on a target port the new registration would cover)
     *       ends the command in INVALID FIELD IN PARAMETER LIST pointing at its TransportID (Table 67
     *       footnote b). A TransportID naming the receiving nexus itself, or one named twice, is
     *       registered once.
     *   <li>More registrations than the unit holds: INSUFFICIENT REGISTRATION RESOURCES, nothing
     *       registered.
     * </ul>
     */
    synchronized void registerSpecified(ItNexus nexus, long key, long serviceActionKey, List<SpecifiedPort> specified,
            boolean allTargetPorts, boolean persistThroughPowerLoss) throws ReservationConflictException, SenseException {
        State current = current();
        Registration own = current.registrationOf(nexus);
        if (own != null) {
            if (key != own.key()) {
                throw new ReservationConflictException("REGISTER with a key other than the registered one");
            }
            throw SenseException.invalidFieldInParameterList(20, 3);
        }
        if (key != 0) {
            throw new ReservationConflictException("REGISTER from an unregistered nexus with a non-zero key");
        }
        if (serviceActionKey == 0) {
            return;
        }
        List<Registration> added = new ArrayList<>();
        added.add(new Registration(nexus, serviceActionKey, allTargetPorts));
        for (SpecifiedPort port : specified) {
            Registration candidate = new Registration(port.nexus(), serviceActionKey, allTargetPorts);
            if (current.registrations().stream().anyMatch(existing -> overlap(existing, candidate))) {
                throw SenseException.invalidFieldInParameterList(port.parameterListOffset(), -1);
            }
            if (added.stream().noneMatch(earlier -> overlap(earlier, candidate))) {
                added.add(candidate);
            }
        }
        if (current.registrations().size() + added.size() > MAX_REGISTRATIONS) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x55, 0x04, "registration resources exhausted");
        }
        List<Registration> registrations = new ArrayList<>(current.registrations());
        registrations.addAll(added);
        commit(new State(current.generation() + 1, registrations, current.type(), current.holder(),
                persistThroughPowerLoss));
    }

    /** True when some I_T nexus would be covered by both registrations. */
    private static boolean overlap(Registration one, Registration other) {
        return one.nexus().initiatorPortName().equals(other.nexus().initiatorPortName())
                && (one.allTargetPorts() || other.allTargetPorts()
                        || one.nexus().targetPortName().equals(other.nexus().targetPortName()));
    }

    /** RESERVE (SPC-4 §5.13.9). */
    synchronized void reserve(ItNexus nexus, long key, ReservationType type) throws ReservationConflictException,
            SenseException {
        State current = current();
        Registration own = requireRegistered(current, nexus, key);
        if (current.type() == null) {
            commit(current.withReservation(type, type.allRegistrantsHold() ? null : own.nexus()));
            return;
        }
        if (!current.isHolder(own) || current.type() != type) {
            throw new ReservationConflictException("the logical unit is reserved " + current.type());
        }
    }

    /** RELEASE (SPC-4 §5.13.11.2). */
    synchronized void release(ItNexus nexus, long key, ReservationType type) throws ReservationConflictException,
            SenseException {
        State current = current();
        Registration own = requireRegistered(current, nexus, key);
        if (!current.isHolder(own)) {
            return;
        }
        if (current.type() != type) {
            throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x26, 0x04,
                    "invalid release of persistent reservation");
        }
        commit(current.withReservation(null, null));
        if (current.type().registrantsHaveAccess()) {
            notify(UnitAttention.RESERVATIONS_RELEASED, current.registrations(), nexus);
        }
    }

    /** CLEAR (SPC-4 §5.13.11.2.3 / §6.16.3.3). */
    synchronized void clear(ItNexus nexus, long key) throws ReservationConflictException, SenseException {
        State current = current();
        requireRegistered(current, nexus, key);
        commit(current.next(List.of(), null, null));
        notify(UnitAttention.RESERVATIONS_PREEMPTED, current.registrations(), nexus);
    }

    /**
     * PREEMPT, and the reservation part of PREEMPT AND ABORT (SPC-4 §5.13.11.2.4 - §5.13.11.2.6).
     *
     * @return the registrations removed, whose I_T nexuses' commands PREEMPT AND ABORT aborts (the
     *         caller does that, after this state is published)
     */
    synchronized List<Registration> preempt(ItNexus nexus, long key, long serviceActionKey, ReservationType type)
            throws ReservationConflictException, SenseException {
        State current = current();
        Registration own = requireRegistered(current, nexus, key);
        Registration holder = current.holderRegistration();
        ReservationType reserved = current.type();
        boolean preemptsReservation = reserved != null && (reserved.allRegistrantsHold()
                ? serviceActionKey == 0
                : holder != null && holder.key() == serviceActionKey);
        if (!preemptsReservation) {
            // §5.13.11.4.3: no reservation or not the holder's key — remove registrations only
            if (serviceActionKey == 0) {
                throw SenseException.invalidFieldInParameterList(8, -1);
            }
            List<Registration> kept = new ArrayList<>();
            List<Registration> removed = new ArrayList<>();
            for (Registration registration : current.registrations()) {
                (registration.key() == serviceActionKey ? removed : kept).add(registration);
            }
            if (removed.isEmpty()) {
                throw new ReservationConflictException("no registration has the service action reservation key");
            }
            boolean holderGone = holder != null && removed.contains(holder)
                    || reserved != null && reserved.allRegistrantsHold() && kept.isEmpty();
            commit(current.next(kept, holderGone ? null : reserved, holderGone ? null : current.holder()));
            // §5.13.11.2.5: no unit attention for the nexus that preempted its own key
            notify(UnitAttention.REGISTRATIONS_PREEMPTED, removed, nexus);
            return removed;
        }
        // §5.13.11.4.4: the holder's key (or zero under All Registrants) — take the reservation over
        List<Registration> kept = new ArrayList<>();
        List<Registration> removed = new ArrayList<>();
        for (Registration registration : current.registrations()) {
            boolean remove = !registration.equals(own)
                    && (reserved.allRegistrantsHold() || registration.key() == serviceActionKey);
            (remove ? removed : kept).add(registration);
        }
        commit(current.next(kept, type, type.allRegistrantsHold() ? null : own.nexus()));
        notify(UnitAttention.REGISTRATIONS_PREEMPTED, removed, null);
        if (reserved != type) {
            notify(UnitAttention.RESERVATIONS_RELEASED, kept, nexus);
        }
        return removed;
    }

    /**
     * REGISTER AND MOVE (SPC-4 §5.13.8): the holder registers {@code destination} with
     * {@code serviceActionKey} and hands it the reservation, same scope and type; with
     * {@code unregister} the holder's own registration goes.
     */
    synchronized void registerAndMove(ItNexus nexus, long key, long serviceActionKey, ItNexus destination,
            boolean unregister, boolean persistThroughPowerLoss) throws ReservationConflictException, SenseException {
        State current = current();
        Registration own = requireRegistered(current, nexus, key);
        ReservationType type = current.type();
        if (type == null || type.allRegistrantsHold() || !current.isHolder(own)) {
            throw new ReservationConflictException("REGISTER AND MOVE from a nexus that does not hold the reservation");
        }
        if (serviceActionKey == 0) {
            throw SenseException.invalidFieldInParameterList(8, -1);
        }
        if (own.matches(destination)) {
            throw SenseException.invalidFieldInParameterList(24, -1);
        }
        List<Registration> registrations = new ArrayList<>(current.registrations());
        Registration existing = current.registrationOf(destination);
        ItNexus newHolder;
        if (existing == null) {
            if (registrations.size() >= MAX_REGISTRATIONS) {
                throw SenseException.of(SenseException.ILLEGAL_REQUEST, 0x55, 0x04, "registration resources exhausted");
            }
            registrations.add(new Registration(destination, serviceActionKey, false));
            newHolder = destination;
        } else {
            registrations.set(registrations.indexOf(existing), existing.withKey(serviceActionKey));
            newHolder = existing.nexus();
        }
        if (unregister) {
            registrations.remove(own);
        }
        commit(new State(current.generation() + 1, registrations, type, newHolder, persistThroughPowerLoss));
    }

    private static Registration requireRegistered(State current, ItNexus nexus, long key)
            throws ReservationConflictException {
        Registration own = current.registrationOf(nexus);
        if (own == null) {
            throw new ReservationConflictException("PERSISTENT RESERVE OUT from an unregistered nexus");
        }
        if (own.key() != key) {
            throw new ReservationConflictException("reservation key does not match the registered key");
        }
        return own;
    }

    private void commit(State next) throws SenseException {
        try {
            store.save(encode(next));
        } catch (BlockDeviceNotReadyException e) {
            throw SenseException.notAccessibleStandby(e);
        } catch (IOException | RuntimeException e) {
            throw SenseException.internalTargetFailure(e);
        }
        state = next;
    }

    private void notify(UnitAttention condition, List<Registration> registrations, ItNexus except) {
        if (registrations.isEmpty()) {
            return;
        }
        List<Registration> targets = List.copyOf(registrations);
        attentions.establish(condition, candidate -> !candidate.equals(except)
                && targets.stream().anyMatch(registration -> registration.matches(candidate)));
    }

    // ---- the stored form ----

    static byte[] encode(State state) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT_MAGIC);
            out.writeLong(state.generation());
            out.writeBoolean(state.persistThroughPowerLoss());
            out.writeByte(state.type() == null ? 0 : state.type().code());
            out.writeInt(state.registrations().size());
            for (Registration registration : state.registrations()) {
                ItNexus nexus = registration.nexus();
                out.writeUTF(nexus.initiatorName());
                out.writeLong(nexus.isid());
                out.writeUTF(nexus.targetName());
                out.writeInt(nexus.targetPortalGroupTag());
                out.writeBoolean(registration.allTargetPorts());
                out.writeLong(registration.key());
                out.writeBoolean(nexus.equals(state.holder()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static State decode(byte[] stored) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(stored))) {
            if (in.readInt() != FORMAT_MAGIC) {
                throw new IOException("not a persistent reservation state");
            }
            long generation = in.readLong();
            boolean persistThroughPowerLoss = in.readBoolean();
            int typeCode = in.readUnsignedByte();
            ReservationType type = typeCode == 0 ? null : ReservationType.byCode(typeCode);
            if (typeCode != 0 && type == null) {
                throw new IOException("unknown reservation type " + typeCode);
            }
            int count = in.readInt();
            if (count < 0 || count > MAX_REGISTRATIONS) {
                throw new IOException("invalid registration count " + count);
            }
            List<Registration> registrations = new ArrayList<>(count);
            ItNexus holder = null;
            for (int i = 0; i < count; i++) {
                ItNexus nexus;
                try {
                    nexus = new ItNexus(in.readUTF(), in.readLong(), in.readUTF(), in.readInt());
                } catch (IllegalArgumentException e) {
                    throw new IOException("invalid registered nexus", e);
                }
                boolean allTargetPorts = in.readBoolean();
                long key = in.readLong();
                if (in.readBoolean()) {
                    holder = nexus;
                }
                registrations.add(new Registration(nexus, key, allTargetPorts));
            }
            if (type != null && !type.allRegistrantsHold() && holder == null) {
                throw new IOException("a " + type + " reservation without its holder");
            }
            if (in.available() != 0) {
                throw new IOException("trailing bytes after the persistent reservation state");
            }
            ItNexus singleHolder = type == null || type.allRegistrantsHold() ? null : holder;
            return new State(generation, registrations, type, singleHolder, persistThroughPowerLoss);
        }
    }
}
