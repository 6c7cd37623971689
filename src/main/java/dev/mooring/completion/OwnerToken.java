package dev.mooring.completion;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.UUID;

/**
 * This process's fencing token: written as the owner of every answer it runs and checked in each of its writes, so a
 * process that lost its lease (paused past it while another node ended the answer) changes nothing more.
 */
@ApplicationScoped
class OwnerToken {

    private final String value = UUID.randomUUID().toString();

    String value() {
        return value;
    }
}
