package dialtone.sip.auth;

import dialtone.support.Secret;

/** Who authenticates: the digest username and the password. {@link #toString()} never prints the password. */
public record DigestCredentials(String username, Secret password) {
    @Override
    public String toString() {
        return "DigestCredentials[username=" + username + ", password=***]";
    }
}
