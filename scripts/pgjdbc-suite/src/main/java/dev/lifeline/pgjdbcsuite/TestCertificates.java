package dev.lifeline.pgjdbcsuite;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The certificates pgjdbc's SSL tests expect, made with the JDK's keytool.
 *
 * <p>pgjdbc's source distribution ships the client side of its test PKI (goodroot.crt,
 * goodclient.*, badroot.*, badclient.*) but not the server's key nor the good root's key, so no
 * server certificate the tests would trust can be made from it. This class makes a new good root,
 * a server certificate for {@code localhost} and a new good client certificate for user
 * {@code test}, with the subjects, file formats and passwords of pgjdbc's certdir Makefile; the
 * bad root and bad client stay as shipped (the tests only need them to be untrusted).
 */
final class TestCertificates {

    static final String ROOT_SUBJECT = "CN=root certificate, O=PgJdbc test, ST=CA, C=US";
    static final String SERVER_SUBJECT = "CN=localhost, O=PgJdbc tests, ST=CA, C=US";
    // The server's "cert" authentication maps the certificate's CN to the user name.
    static final String CLIENT_SUBJECT = "CN=test, O=PgJdbc tests, ST=CA, C=US";
    // pgjdbc's build.properties: sslpassword=sslpwd; its .p12 files use alias "user".
    static final String CLIENT_STORE_PASSWORD = "sslpwd";
    static final String CLIENT_ALIAS = "user";

    private static final String WORK_PASSWORD = "suite-work";

    private final Path keytool;
    private final Path work;

    TestCertificates(Path work) {
        this.keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        this.work = work;
    }

    /**
     * Writes goodroot.crt and goodclient.{crt,key,pk8,p12} into {@code certdir}, and server.crt,
     * server.key and root.crt (the CA the server trusts for client certificates) into
     * {@code serverDir}.
     */
    void create(Path certdir, Path serverDir) throws IOException, GeneralSecurityException, InterruptedException {
        Files.createDirectories(work);
        Files.createDirectories(serverDir);
        // Key sizes as pgjdbc's Makefile makes them: 4096 bits for a root, 2048 for the others.
        Path root = newKeyPair("root", ROOT_SUBJECT, 4096, "bc:c=ca:true");
        Path server = newKeyPair("server", SERVER_SUBJECT, 2048, null);
        Path client = newKeyPair("client", CLIENT_SUBJECT, 2048, null);

        // The root signs itself once more so that it carries an authority key identifier, as
        // openssl's roots do. The server sends the root after its own certificate, and the good and
        // the bad root have the same subject: only that identifier makes the JDK skip the bad root
        // as an anchor, so that SslTest sees NO_TRUST_ANCHOR rather than INVALID_SIGNATURE.
        byte[] rootCert = sign(root, root, "root", "bc:c=ca:true,2.5.29.35=" + authorityKeyIdentifier(root));
        byte[] serverCert = sign(root, server, "server", null);
        byte[] clientCert = sign(root, client, "client", null);

        Files.write(certdir.resolve("goodroot.crt"), rootCert);
        Files.write(serverDir.resolve("root.crt"), rootCert);
        Files.write(serverDir.resolve("server.crt"), serverCert);
        writePrivate(serverDir.resolve("server.key"), pem(privateKey(server, "server")));

        PrivateKey clientKey = privateKey(client, "client");
        Files.write(certdir.resolve("goodclient.crt"), clientCert);
        writePrivate(certdir.resolve("goodclient.key"), pem(clientKey));
        writePrivate(certdir.resolve("goodclient.pk8"), clientKey.getEncoded());
        writePrivate(certdir.resolve("goodclient.p12"), pkcs12(clientKey, clientCert));
    }

    private Path newKeyPair(String alias, String subject, int bits, String extension)
            throws IOException, InterruptedException {
        Path store = work.resolve(alias + ".p12");
        Files.deleteIfExists(store);
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", alias, "-keyalg", "RSA",
                "-keysize", Integer.toString(bits), "-sigalg", "SHA256withRSA", "-validity", "3650", "-dname", subject,
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", WORK_PASSWORD));
        if (extension != null) {
            args.add("-ext");
            args.add(extension);
        }
        keytoolOutput(args.toArray(new String[0]));
        return store;
    }

    /** The PEM certificate of {@code alias}'s key in {@code store}, signed by the root. */
    private byte[] sign(Path root, Path store, String alias, String extensions)
            throws IOException, InterruptedException {
        Path request = work.resolve(alias + ".csr");
        keytoolOutput("-certreq", "-alias", alias, "-keystore", store.toString(), "-storepass", WORK_PASSWORD,
                "-file", request.toString());
        List<String> args = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "root",
                "-keystore", root.toString(), "-storepass", WORK_PASSWORD, "-infile", request.toString(),
                "-validity", "3650", "-sigalg", "SHA256withRSA"));
        if (extensions != null) {
            for (String extension : extensions.split(",")) {
                args.add("-ext");
                args.add(extension);
            }
        }
        return keytoolOutput(args.toArray(new String[0]));
    }

    /**
     * The DER of an authority key identifier extension naming the root's own key: keytool puts a
     * subject key identifier into a self-signed certificate but no authority key identifier, and
     * adds none when a certificate signs itself; given as an OID it takes the value in hex.
     */
    private static String authorityKeyIdentifier(Path rootStore) throws IOException, GeneralSecurityException {
        KeyStore keyStore = load(rootStore);
        byte[] extension = ((java.security.cert.X509Certificate) keyStore.getCertificate("root"))
                .getExtensionValue("2.5.29.14");
        // OCTET STRING (the extension value) { OCTET STRING keyIdentifier }, both with short lengths.
        byte[] keyId = java.util.Arrays.copyOfRange(extension, 4, 4 + extension[3]);
        StringBuilder hex = new StringBuilder(String.format("30%02x80%02x", keyId.length + 2, keyId.length));
        for (byte b : keyId) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, WORK_PASSWORD.toCharArray());
        }
        return keyStore;
    }

    private static PrivateKey privateKey(Path store, String alias) throws IOException, GeneralSecurityException {
        Key key = load(store).getKey(alias, WORK_PASSWORD.toCharArray());
        return (PrivateKey) key;
    }

    private static byte[] pkcs12(PrivateKey key, byte[] pemCertificate) throws IOException, GeneralSecurityException {
        Certificate certificate = CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(pemCertificate));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry(CLIENT_ALIAS, key, CLIENT_STORE_PASSWORD.toCharArray(), new Certificate[] {certificate});
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        store.store(out, CLIENT_STORE_PASSWORD.toCharArray());
        return out.toByteArray();
    }

    /** Unencrypted PKCS#8 in PEM, the format of the shipped goodclient.key; PostgreSQL reads it too. */
    private static byte[] pem(PrivateKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded());
        return ("-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** PostgreSQL refuses a key file others can read; pgjdbc's tests expect owner-only keys too. */
    private static void writePrivate(Path file, byte[] content) throws IOException {
        Files.deleteIfExists(file);
        Files.write(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private byte[] keytoolOutput(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(keytool.toString());
        command.addAll(List.of(args));
        command.add("-noprompt");
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + new String(err, StandardCharsets.UTF_8)
                    + new String(out, StandardCharsets.UTF_8));
        }
        return out;
    }
}
