package io.courier.bench.peer;

import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;

/**
 * What users build instead of Courier: a Spring Boot app whose controller forwards each HTTP request to a
 * Kafka request topic with {@link ReplyingKafkaTemplate} and answers with the reply. Run by courier-bench as
 * its own process; once the reply container has its partitions it prints {@value #READY_MARKER} and the port.
 */
@SpringBootApplication
public class PeerApplication {
  /** The line courier-bench waits for on standard output. */
  public static final String READY_MARKER = "COURIER-BENCH-READY";

  private final ReplyingKafkaTemplate<String, byte[], byte[]> template;
  private final Duration assignmentTimeout;

  public PeerApplication(
      ReplyingKafkaTemplate<String, byte[], byte[]> template,
      @Value("${peer.assignment-timeout:60s}") Duration assignmentTimeout) {
    this.template = template;
    this.assignmentTimeout = assignmentTimeout;
  }

  public static void main(String[] args) {
    SpringApplication.run(PeerApplication.class, args);
  }

  /** Ready only when replies can be received: before that a request would wait for a reply it never sees. */
  @EventListener
  public void onReady(ApplicationReadyEvent event) throws InterruptedException {
    if (!template.waitForAssignment(assignmentTimeout)) {
      throw new IllegalStateException("reply container got no partitions in " + assignmentTimeout);
    }
    int port = ((WebServerApplicationContext) event.getApplicationContext()).getWebServer().getPort();
    System.out.println(READY_MARKER + " port=" + port);
    System.out.flush();
  }
}
