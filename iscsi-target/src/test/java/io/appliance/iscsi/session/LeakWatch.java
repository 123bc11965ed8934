package io.appliance.iscsi.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/**
 * Fails a test class when Netty's leak detector (paranoid in the surefire argLine) reports a
 * buffer that was garbage collected without being released. Leaks are reported when tracked
 * buffers are allocated after a collection, so the check collects and allocates a few times.
 * Also quiets Netty's own DEBUG chatter.
 */
public final class LeakWatch implements BeforeAllCallback, AfterAllCallback {

    private ListAppender<ILoggingEvent> appender;

    @Override
    public void beforeAll(ExtensionContext context) {
        ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        detector.setLevel(Level.ERROR);
        appender = new ListAppender<>();
        appender.start();
        detector.addAppender(appender);
    }

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        Logger detector = (Logger) LoggerFactory.getLogger(ResourceLeakDetector.class);
        try {
            for (int round = 0; round < 4; round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 200; i++) {
                    ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(64);
                    ByteBuf unpooled = Unpooled.buffer(64);
                    pooled.release();
                    unpooled.release();
                }
            }
            List<String> leaks = appender.list.stream()
                    .filter(event -> event.getFormattedMessage().contains("LEAK"))
                    .map(ILoggingEvent::getFormattedMessage)
                    .collect(Collectors.toList());
            assertThat(leaks).as("buffers leaked by " + context.getDisplayName()).isEmpty();
        } finally {
            detector.detachAppender(appender);
        }
    }
}
