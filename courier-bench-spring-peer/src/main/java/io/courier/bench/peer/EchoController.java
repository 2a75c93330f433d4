package io.courier.bench.peer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * POST /echo: the body goes to the request topic, the reply's body comes back. Returns a future, so Tomcat's
 * request thread is free while the reply is awaited (servlet async), as a competent user would write it.
 */
@RestController
public class EchoController {
  private final ReplyingKafkaTemplate<String, byte[], byte[]> template;
  private final String requestTopic;

  public EchoController(
      ReplyingKafkaTemplate<String, byte[], byte[]> template, @Value("${peer.request-topic}") String requestTopic) {
    this.template = template;
    this.requestTopic = requestTopic;
  }

  @PostMapping(path = "/echo")
  public CompletableFuture<ResponseEntity<byte[]>> echo(@RequestBody byte[] body) {
    ProducerRecord<String, byte[]> record = new ProducerRecord<>(requestTopic, body);
    record.headers().add("content-type", MediaType.APPLICATION_JSON_VALUE.getBytes(StandardCharsets.UTF_8));
    return template
        .sendAndReceive(record)
        .thenApply(EchoController::toResponse)
        .exceptionally(error -> ResponseEntity.status(HttpStatus.GATEWAY_TIMEOUT).build());
  }

  private static ResponseEntity<byte[]> toResponse(ConsumerRecord<String, byte[]> reply) {
    Header status = reply.headers().lastHeader("courier-status");
    int code = status == null ? 200 : Integer.parseInt(new String(status.value(), StandardCharsets.UTF_8));
    return ResponseEntity.status(code).contentType(MediaType.APPLICATION_JSON).body(reply.value());
  }
}
