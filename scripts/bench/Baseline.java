import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The floor for scripts/bench-start: a plain JDK program that does what dialtone's first steps do (an HTTPS GET of
 * the endpoint configuration, then a WSS upgrade with the "sip" sub-protocol and one OPTIONS answered), trusting the
 * lab CA, and prints when each finished in ms since the epoch (the script subtracts the process start).
 * Usage: java Baseline.java CA_PEM CONFIG_URL WSS_URL
 */
public class Baseline {
    public static void main(String[] a) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        try (FileInputStream in = new FileInputStream(a[0])) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).build();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(a[1])).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        System.out.println("fetched " + System.currentTimeMillis() + " " + r.statusCode());
        CompletableFuture<String> answer = new CompletableFuture<>();
        WebSocket ws = http.newWebSocketBuilder().subprotocols("sip").buildAsync(URI.create(a[2]), new WebSocket.Listener() {
            final StringBuilder sb = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                sb.append(data);
                if (last) {
                    answer.complete(sb.toString());
                }
                w.request(1);
                return null;
            }
        }).join();
        System.out.println("connected " + System.currentTimeMillis() + " " + ws.getSubprotocol());
        String host = URI.create(a[2]).getHost();
        ws.sendText("OPTIONS sip:" + host + " SIP/2.0\r\nVia: SIP/2.0/WSS baseline.invalid;branch=z9hG4bK" + System.nanoTime()
                + "\r\nMax-Forwards: 70\r\nFrom: <sip:baseline@" + host + ">;tag=b1\r\nTo: <sip:" + host + ">\r\nCall-ID: b"
                + System.nanoTime() + "\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n", true).join();
        String reply = answer.get();
        System.out.println("answered " + System.currentTimeMillis() + " " + reply.lines().findFirst().orElse(""));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
}
