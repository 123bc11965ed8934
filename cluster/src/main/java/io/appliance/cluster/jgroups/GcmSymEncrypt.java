package io.appliance.cluster.jgroups;

import java.security.Key;
import java.util.concurrent.BlockingQueue;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.jgroups.Message;
import org.jgroups.conf.ClassConfigurator;
import org.jgroups.protocols.EncryptHeader;
import org.jgroups.protocols.SYM_ENCRYPT;
import org.jgroups.util.Util;

/**
 * {@link SYM_ENCRYPT} with AES/GCM: every payload is encrypted and authenticated (a 128-bit tag), so a node
 * holding another key can neither read nor forge a message.
 *
 * <p>JGroups 5.4's {@code Encrypt} initialises its ciphers with an {@code IvParameterSpec}, which the JDK's GCM
 * implementation refuses; this subclass only replaces the two places that initialise a cipher, using a
 * {@link GCMParameterSpec} with a fresh random 96-bit IV per message (NIST SP 800-38D §8.2.2).
 *
 * <p>{@code Encrypt} passes messages without a payload through unauthenticated (only a key-version header
 * travels). The stack places {@code SERIALIZE} directly above this protocol, which turns every message, headers
 * included, into a payload; a message that arrives here without a payload therefore did not come from a node of
 * this cluster and is dropped.
 */
final class GcmSymEncrypt extends SYM_ENCRYPT {

    static final String TRANSFORMATION = "AES/GCM/NoPadding";
    static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Protocol id for headers; ids of JGroups' own protocols are below 512 (ClassConfigurator). */
    private static final short PROTOCOL_ID = 1517;

    static {
        register();
    }

    private static synchronized void register() {
        if (ClassConfigurator.getProtocolId(GcmSymEncrypt.class) == 0) {
            ClassConfigurator.addProtocol(PROTOCOL_ID, GcmSymEncrypt.class);
        }
    }

    GcmSymEncrypt(SecretKey key) {
        symAlgorithm(TRANSFORMATION);
        symIvLength(IV_BYTES);
        symKeylength(key.getEncoded().length * 8);
        setSecretKey(key);
        setId(PROTOCOL_ID);
    }

    @Override
    protected byte[] code(byte[] buf, int offset, int length, byte[] iv, boolean decode) throws Exception {
        return apply(decode ? decoding_ciphers : encoding_ciphers, decode, secret_key, buf, offset, length, iv);
    }

    @Override
    protected Message _decrypt(Cipher cipher, Key key, Message msg, EncryptHeader header) throws Exception {
        if (!msg.hasPayload() || header.iv() == null || header.iv().length != IV_BYTES) {
            log.warn("%s: dropped a message from %s that is not AES/GCM encrypted", local_addr, msg.src());
            return null;
        }
        byte[] plain;
        if (cipher == null) {
            plain = apply(decoding_ciphers, true, key, msg.getArray(), msg.getOffset(), msg.getLength(), header.iv());
        } else {
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, header.iv()));
            plain = cipher.doFinal(msg.getArray(), msg.getOffset(), msg.getLength());
        }
        if (header.needsDeserialization()) {
            return Util.messageFromBuffer(plain, 0, plain.length);
        }
        return msg.setArray(plain, 0, plain.length);
    }

    private static byte[] apply(BlockingQueue<Cipher> pool, boolean decode, Key key, byte[] buf, int offset,
            int length, byte[] iv) throws Exception {
        Cipher cipher = pool.take();
        try {
            cipher.init(decode ? Cipher.DECRYPT_MODE : Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            return cipher.doFinal(buf, offset, length);
        } finally {
            pool.offer(cipher);
        }
    }
}
