package dev.mooring.security;

import dev.mooring.testing.FakeModelResource;
import dev.mooring.testing.RawWebSocket;
import dev.mooring.testing.WsClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.util.Map;

import static dev.mooring.testing.ServiceTestSupport.TOKEN;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The token on the upgrade and on every /api route, the Origin check, and open health checks. */
@QuarkusTest
@QuarkusTestResource(FakeModelResource.class)
class AccessTest {

    @TestHTTPResource("/")
    URL base;

    @Test
    void upgradeWithoutTokenIsRefusedWith401() {
        assertEquals(401, WsClient.upgradeStatus(WsClient.chatUri(base.toString(), null), Map.of()));
    }

    @Test
    void upgradeWithWrongTokenIsRefusedWith401() {
        assertEquals(401, WsClient.upgradeStatus(WsClient.chatUri(base.toString(), "nope"), Map.of()));
    }

    @Test
    void upgradeWithBearerHeaderIsAccepted() {
        URI uri = WsClient.chatUri(base.toString(), null);
        assertEquals(-1, WsClient.upgradeStatus(uri, Map.of("Authorization", "Bearer " + TOKEN)));
    }

    @Test
    void upgradeFromForeignOriginIsRefusedWith403() {
        URI uri = WsClient.chatUri(base.toString(), TOKEN);
        assertEquals(403, WsClient.upgradeStatus(uri, Map.of("Origin", "http://evil.example")));
    }

    @Test
    void upgradeFromConfiguredOriginIsAccepted() {
        URI uri = WsClient.chatUri(base.toString(), TOKEN);
        assertEquals(-1, WsClient.upgradeStatus(uri, Map.of("Origin", "http://notebooks.example:8888")));
    }

    @Test
    void anOriginThatOnlyMatchesTheHostHeaderIsRefused() throws Exception {
        // a DNS-rebinding page: its browser sends a Host and an Origin that name the same foreign host
        String host = "rebound.example:" + base.getPort();
        Map<String, String> headers = Map.of("Host", host, "Origin", "http://" + host);
        assertEquals(403, RawWebSocket.status(base.toString(), "/api/chat?token=" + TOKEN, headers, true));
        assertEquals(403, RawWebSocket.status(base.toString(), "/api/conversations?token=" + TOKEN, headers, false));
    }

    @Test
    void theLoopbackOriginsOfTheServicesOwnPortAreAllowed() {
        URI uri = WsClient.chatUri(base.toString(), TOKEN);
        for (String origin : new String[] {"http://localhost:", "http://127.0.0.1:"}) {
            assertEquals(-1, WsClient.upgradeStatus(uri, Map.of("Origin", origin + base.getPort())), origin);
        }
        assertEquals(403, WsClient.upgradeStatus(uri, Map.of("Origin", "http://localhost:1")), "another port");
    }

    @Test
    void restWithoutTokenIsRefusedWithTypedBody() {
        RestAssured.get("/api/conversations").then().statusCode(401).body("code", equalTo("unauthorized"));
        RestAssured.given().queryParam("token", "wrong").get("/api/conversations").then().statusCode(401);
        RestAssured.given().queryParam("token", TOKEN).get("/api/conversations").then().statusCode(200);
    }

    @Test
    void restAnswersCorsForConfiguredOriginsOnly() {
        RestAssured.given().header("Origin", "http://notebooks.example:8888")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "authorization")
                .options("/api/conversations").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://notebooks.example:8888");
        RestAssured.given().header("Origin", "http://notebooks.example:8888").queryParam("token", TOKEN)
                .get("/api/conversations").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://notebooks.example:8888");
        RestAssured.given().header("Origin", "http://evil.example").queryParam("token", TOKEN)
                .get("/api/conversations").then().statusCode(403);
    }

    @Test
    void healthNeedsNoToken() {
        RestAssured.get("/q/health/live").then().statusCode(200);
        RestAssured.get("/q/health/ready").then().statusCode(200);
    }
}
