using ProtocolEngine.Cli;

return CliApp.Run(args);
