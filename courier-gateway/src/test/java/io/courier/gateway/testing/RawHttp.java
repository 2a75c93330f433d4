package io.courier.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * An HTTP/1.1 client over a bare socket, for what ordinary clients will not do: send and read header bytes
 * exactly, send a body slowly or not at all, hold a connection open, see the connection close. Not
 * thread-safe; one connection per instance.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A response as it came off the wire: header values as bytes, in order, repeats kept. */
  public record Response(int status, List<Field> headers, byte[] body) {
    public String header(String name) {
      for (Field field : headers) {
        if (field.name().equalsIgnoreCase(name)) {
          return new String(field.value(), StandardCharsets.UTF_8);
        }
      }
      return null;
    }

    public List<byte[]> values(String name) {
      List<byte[]> values = new ArrayList<>();
      for (Field field : headers) {
        if (field.name().equalsIgnoreCase(name)) {
          values.add(field.value());
        }
      }
      return values;
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  public record Field(String name, byte[] value) {}

  public RawHttp(int port) {
    try {
      socket = new Socket("localhost", port);
      socket.setSoTimeout(30_000);
      in = socket.getInputStream();
      out = socket.getOutputStream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends bytes as they are. */
  public RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends text, each char as one byte (ISO-8859-1); write non-ASCII bytes with {@link #send(byte[])}. */
  public RawHttp send(String latin1) {
    return send(latin1.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Reads one response; a body only by {@code Content-Length} (and none for HEAD, 1xx, 204, 304). */
  public Response read(boolean head) {
    try {
      String statusLine = line();
      if (statusLine == null) {
        throw new AssertionError("the connection closed before a response");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      List<Field> headers = new ArrayList<>();
      int length = 0;
      for (byte[] line = rawLine(); line.length > 0; line = rawLine()) {
        int colon = indexOf(line, (byte) ':');
        String name = new String(line, 0, colon, StandardCharsets.US_ASCII).toLowerCase(Locale.ROOT);
        int start = colon + 1;
        while (start < line.length && line[start] == ' ') {
          start++;
        }
        byte[] value = java.util.Arrays.copyOfRange(line, start, line.length);
        headers.add(new Field(name, value));
        if (name.equals("content-length")) {
          length = Integer.parseInt(new String(value, StandardCharsets.US_ASCII).trim());
        }
      }
      boolean bodyless = head || status < 200 || status == 204 || status == 304;
      byte[] body = bodyless ? new byte[0] : in.readNBytes(length);
      return new Response(status, headers, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public Response read() {
    return read(false);
  }

  /** Sends a request and reads its response. */
  public Response exchange(String request) {
    return send(request).read(request.startsWith("HEAD "));
  }

  /** Closes our sending side only, as {@code printf ... | nc} does after its request; we can still read. */
  public RawHttp halfClose() {
    try {
      socket.shutdownOutput();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server closed the connection within {@code within}: a read sees its end. */
  public boolean closedWithin(Duration within) {
    try {
      socket.setSoTimeout((int) within.toMillis());
      int read;
      do {
        read = in.read();
      } while (read >= 0);
      return true;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true; // reset by the server
    }
  }

  private String line() throws IOException {
    byte[] line = rawLine();
    return line == null ? null : new String(line, StandardCharsets.ISO_8859_1);
  }

  private byte[] rawLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        return bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? java.util.Arrays.copyOf(bytes, bytes.length - 1) : bytes;
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toByteArray();
  }

  private static int indexOf(byte[] bytes, byte wanted) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == wanted) {
        return i;
      }
    }
    throw new AssertionError("no ':' in header line " + new String(bytes, StandardCharsets.ISO_8859_1));
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
