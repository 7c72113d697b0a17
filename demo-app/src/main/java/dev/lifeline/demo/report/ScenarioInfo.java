package dev.lifeline.demo.report;

/**
 * What the report says about one incident: its name on the command line, the Windows error the
 * application met, what stands in for it on this platform, what the application did and what
 * Lifeline does, and what the "retries" column counts for it.
 */
public final class ScenarioInfo {

    public final String name;
    public final int incident;
    public final String title;
    public final String windowsError;
    public final String standIn;
    public final String application;
    public final String lifeline;
    public final String retriesMeaning;
    public final String agentArguments;

    public ScenarioInfo(String name, int incident, String title, String windowsError, String standIn,
                        String application, String lifeline, String retriesMeaning, String agentArguments) {
        this.name = name;
        this.incident = incident;
        this.title = title;
        this.windowsError = windowsError;
        this.standIn = standIn;
        this.application = application;
        this.lifeline = lifeline;
        this.retriesMeaning = retriesMeaning;
        this.agentArguments = agentArguments;
    }
}
