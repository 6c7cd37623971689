package dev.mooring.completion;

import dev.mooring.testing.FakeOpenAiServer;
import dev.mooring.testing.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.nio.file.Files;

/** The fixture of the restart tests: the packaged service in a process of its own, on a fresh data folder, and its model. */
abstract class PackagedServiceIT {

    protected FakeOpenAiServer model;
    protected ServiceProcess service;

    @BeforeEach
    void startServiceAndModel() throws Exception {
        model = FakeOpenAiServer.start();
        service = new ServiceProcess(Files.createTempDirectory("mooring-" + getClass().getSimpleName()), model.baseUrl());
        service.start();
    }

    @AfterEach
    void stopServiceAndModel() {
        service.kill();
        model.close();
    }
}
