import SubrootCLI

SubrootEntry.main()
