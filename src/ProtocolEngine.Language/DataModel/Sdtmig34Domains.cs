namespace ProtocolEngine.Language.DataModel;

/// <summary>
/// The common SDTMIG 3.4 domains, one compact table per domain in SDTMIG variable order. Each row reads
/// <c>NAME  TYPE  CORE  CODELIST  Label</c>: TYPE is Char, Num, Int (whole numbers: --SEQ, --DY, VISITDY,
/// TAETORD, ...), DTC (ISO 8601 date/time) or Dur (ISO 8601 duration); CORE is Req, Exp or Perm; CODELIST is
/// the CDISC CT code list short name, or <c>-</c> when the variable is not controlled.
/// </summary>
internal static class Sdtmig34Domains
{
    public static IEnumerable<DomainSchema> Create() =>
    [
        // ---- Special purpose ----
        Domain("CO", "Comments", DomainClass.SpecialPurpose, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            RDOMAIN   Char Perm DOMAIN   Related Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            COSEQ     Int  Req  -        Sequence Number
            IDVAR     Char Perm -        Identifying Variable
            IDVARVAL  Char Perm -        Identifying Variable Value
            COREF     Char Perm -        Comment Reference
            COVAL     Char Req  -        Comment
            COEVAL    Char Perm EVAL     Evaluator
            COEVALID  Char Perm MEDEVAL  Evaluator Identifier
            CODTC     DTC  Perm -        Date/Time of Comment
            CODY      Int  Perm -        Study Day of Comment
            """),
        Domain("DM", "Demographics", DomainClass.SpecialPurpose, DomainStructure.OnePerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            SUBJID    Char Req  -        Subject Identifier for the Study
            RFSTDTC   DTC  Exp  -        Subject Reference Start Date/Time
            RFENDTC   DTC  Exp  -        Subject Reference End Date/Time
            RFXSTDTC  DTC  Exp  -        Date/Time of First Study Treatment
            RFXENDTC  DTC  Exp  -        Date/Time of Last Study Treatment
            RFCSTDTC  DTC  Perm -        Date/Time of First Challenge Agent Admin
            RFCENDTC  DTC  Perm -        Date/Time of Last Challenge Agent Admin
            RFICDTC   DTC  Exp  -        Date/Time of Informed Consent
            RFPENDTC  DTC  Exp  -        Date/Time of End of Participation
            DTHDTC    DTC  Exp  -        Date/Time of Death
            DTHFL     Char Exp  NY       Subject Death Flag
            SITEID    Char Req  -        Study Site Identifier
            INVID     Char Perm -        Investigator Identifier
            INVNAM    Char Perm -        Investigator Name
            BRTHDTC   DTC  Perm -        Date/Time of Birth
            AGE       Num  Exp  -        Age
            AGEU      Char Exp  AGEU     Age Units
            SEX       Char Req  SEX      Sex
            RACE      Char Exp  RACE     Race
            ETHNIC    Char Perm ETHNIC   Ethnicity
            ARMCD     Char Exp  -        Planned Arm Code
            ARM       Char Exp  -        Description of Planned Arm
            ACTARMCD  Char Exp  -        Actual Arm Code
            ACTARM    Char Exp  -        Description of Actual Arm
            ARMNRS    Char Exp  ARMNRS   Reason Arm and/or Actual Arm is Null
            ACTARMUD  Char Exp  -        Description of Unplanned Actual Arm
            COUNTRY   Char Req  COUNTRY  Country
            DMDTC     DTC  Perm -        Date/Time of Collection
            DMDY      Int  Perm -        Study Day of Collection
            """),
        Domain("SE", "Subject Elements", DomainClass.SpecialPurpose, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            SESEQ     Int  Req  -        Sequence Number
            ETCD      Char Req  -        Element Code
            ELEMENT   Char Perm -        Description of Element
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            SESTDTC   DTC  Req  -        Start Date/Time of Element
            SEENDTC   DTC  Exp  -        End Date/Time of Element
            SESTDY    Int  Perm -        Study Day of Start of Element
            SEENDY    Int  Perm -        Study Day of End of Element
            SEUPDES   Char Perm -        Description of Unplanned Element
            """),
        Domain("SV", "Subject Visits", DomainClass.SpecialPurpose, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            VISITNUM  Num  Req  -        Visit Number
            VISIT     Char Perm -        Visit Name
            SVPRESP   Char Exp  NY       Pre-specified
            SVOCCUR   Char Exp  NY       Occurrence
            SVREASOC  Char Perm -        Reason for Occur Value
            SVCNTMOD  Char Perm CNTMODE  Contact Mode
            SVEPCHGI  Char Perm NY       Epi/Pandemic Related Change Indicator
            VISITDY   Int  Perm -        Planned Study Day of Visit
            SVSTDTC   DTC  Exp  -        Start Date/Time of Observation
            SVENDTC   DTC  Exp  -        End Date/Time of Observation
            SVSTDY    Int  Perm -        Study Day of Start of Observation
            SVENDY    Int  Perm -        Study Day of End of Observation
            SVUPDES   Char Perm -        Description of Unplanned Visit
            """),

        // ---- Interventions ----
        Domain("CM", "Concomitant/Prior Medications", DomainClass.Interventions, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            CMSEQ     Int  Req  -        Sequence Number
            CMGRPID   Char Perm -        Group ID
            CMSPID    Char Perm -        Sponsor-Defined Identifier
            CMTRT     Char Req  -        Reported Name of Drug, Med, or Therapy
            CMMODIFY  Char Perm -        Modified Reported Name
            CMDECOD   Char Perm -        Standardized Medication Name
            CMCAT     Char Perm -        Category for Medication
            CMSCAT    Char Perm -        Subcategory for Medication
            CMPRESP   Char Perm NY       CM Pre-specified
            CMOCCUR   Char Perm NY       CM Occurrence
            CMSTAT    Char Perm ND       Completion Status
            CMREASND  Char Perm -        Reason Medication Not Collected
            CMINDC    Char Perm -        Indication
            CMCLAS    Char Perm -        Medication Class
            CMCLASCD  Char Perm -        Medication Class Code
            CMDOSE    Num  Perm -        Dose per Administration
            CMDOSTXT  Char Perm -        Dose Description
            CMDOSU    Char Perm UNIT     Dose Units
            CMDOSFRM  Char Perm FRM      Dose Form
            CMDOSFRQ  Char Perm FREQ     Dosing Frequency per Interval
            CMDOSTOT  Num  Perm -        Total Daily Dose
            CMDOSRGM  Char Perm -        Intended Dose Regimen
            CMROUTE   Char Perm ROUTE    Route of Administration
            CMADJ     Char Perm -        Reason for Dose Adjustment
            CMRSDISC  Char Perm -        Reason the Intervention Was Discontinued
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            CMSTDTC   DTC  Perm -        Start Date/Time of Medication
            CMENDTC   DTC  Perm -        End Date/Time of Medication
            CMSTDY    Int  Perm -        Study Day of Start of Medication
            CMENDY    Int  Perm -        Study Day of End of Medication
            CMDUR     Dur  Perm -        Duration
            CMSTRF    Char Perm STENRF   Start Relative to Reference Period
            CMENRF    Char Perm STENRF   End Relative to Reference Period
            CMSTRTPT  Char Perm STENRF   Start Relative to Reference Time Point
            CMSTTPT   Char Perm -        Start Reference Time Point
            CMENRTPT  Char Perm STENRF   End Relative to Reference Time Point
            CMENTPT   Char Perm -        End Reference Time Point
            """),
        Domain("EX", "Exposure", DomainClass.Interventions, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            EXSEQ     Int  Req  -        Sequence Number
            EXGRPID   Char Perm -        Group ID
            EXREFID   Char Perm -        Reference ID
            EXSPID    Char Perm -        Sponsor-Defined Identifier
            EXLNKID   Char Perm -        Link ID
            EXLNKGRP  Char Perm -        Link Group ID
            EXTRT     Char Req  -        Name of Treatment
            EXCAT     Char Perm -        Category of Treatment
            EXSCAT    Char Perm -        Subcategory of Treatment
            EXDOSE    Num  Exp  -        Dose
            EXDOSTXT  Char Perm -        Dose Description
            EXDOSU    Char Exp  UNIT     Dose Units
            EXDOSFRM  Char Exp  FRM      Dose Form
            EXDOSFRQ  Char Perm FREQ     Dosing Frequency per Interval
            EXDOSRGM  Char Perm -        Intended Dose Regimen
            EXROUTE   Char Perm ROUTE    Route of Administration
            EXLOT     Char Perm -        Lot Number
            EXLOC     Char Perm LOC      Location of Dose Administration
            EXLAT     Char Perm LAT      Laterality
            EXDIR     Char Perm DIR      Directionality
            EXFAST    Char Perm NY       Fasting Status
            EXADJ     Char Perm -        Reason for Dose Adjustment
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            EXSTDTC   DTC  Exp  -        Start Date/Time of Treatment
            EXENDTC   DTC  Exp  -        End Date/Time of Treatment
            EXSTDY    Int  Perm -        Study Day of Start of Treatment
            EXENDY    Int  Perm -        Study Day of End of Treatment
            EXDUR     Dur  Perm -        Duration of Treatment
            EXTPT     Char Perm -        Planned Time Point Name
            EXTPTNUM  Num  Perm -        Planned Time Point Number
            EXELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            EXTPTREF  Char Perm -        Time Point Reference
            EXRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            """),
        Domain("PR", "Procedures", DomainClass.Interventions, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            PRSEQ     Int  Req  -        Sequence Number
            PRGRPID   Char Perm -        Group ID
            PRSPID    Char Perm -        Sponsor-Defined Identifier
            PRLNKID   Char Perm -        Link ID
            PRLNKGRP  Char Perm -        Link Group ID
            PRTRT     Char Req  -        Reported Name of Procedure
            PRDECOD   Char Perm -        Standardized Procedure Name
            PRCAT     Char Perm -        Category
            PRSCAT    Char Perm -        Subcategory
            PRPRESP   Char Perm NY       Pre-specified
            PROCCUR   Char Perm NY       Occurrence
            PRINDC    Char Perm -        Indication
            PRDOSE    Num  Perm -        Dose
            PRDOSTXT  Char Perm -        Dose Description
            PRDOSU    Char Perm UNIT     Dose Units
            PRDOSFRM  Char Perm FRM      Dose Form
            PRDOSFRQ  Char Perm FREQ     Dosing Frequency per Interval
            PRDOSRGM  Char Perm -        Intended Dose Regimen
            PRROUTE   Char Perm ROUTE    Route of Administration
            PRLOC     Char Perm LOC      Location of Procedure
            PRLAT     Char Perm LAT      Laterality
            PRDIR     Char Perm DIR      Directionality
            PRPORTOT  Char Perm PORTOT   Portion or Totality
            VISITNUM  Num  Perm -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            PRSTDTC   DTC  Exp  -        Start Date/Time of Procedure
            PRENDTC   DTC  Perm -        End Date/Time of Procedure
            PRSTDY    Int  Perm -        Study Day of Start of Procedure
            PRENDY    Int  Perm -        Study Day of End of Procedure
            PRDUR     Dur  Perm -        Duration of Procedure
            PRTPT     Char Perm -        Planned Time Point Name
            PRTPTNUM  Num  Perm -        Planned Time Point Number
            PRELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            PRTPTREF  Char Perm -        Time Point Reference
            PRRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            PRSTRTPT  Char Perm STENRF   Start Relative to Reference Time Point
            PRSTTPT   Char Perm -        Start Reference Time Point
            PRENRTPT  Char Perm STENRF   End Relative to Reference Time Point
            PRENTPT   Char Perm -        End Reference Time Point
            """),

        // ---- Events ----
        Domain("AE", "Adverse Events", DomainClass.Events, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            SPDEVID   Char Perm -        Sponsor Device Identifier
            AESEQ     Int  Req  -        Sequence Number
            AEGRPID   Char Perm -        Group ID
            AEREFID   Char Perm -        Reference ID
            AESPID    Char Perm -        Sponsor-Defined Identifier
            AETERM    Char Req  -        Reported Term for the Adverse Event
            AEMODIFY  Char Perm -        Modified Reported Term
            AELLT     Char Exp  -        Lowest Level Term
            AELLTCD   Num  Exp  -        Lowest Level Term Code
            AEDECOD   Char Req  -        Dictionary-Derived Term
            AEPTCD    Num  Exp  -        Preferred Term Code
            AEHLT     Char Exp  -        High Level Term
            AEHLTCD   Num  Exp  -        High Level Term Code
            AEHLGT    Char Exp  -        High Level Group Term
            AEHLGTCD  Num  Exp  -        High Level Group Term Code
            AECAT     Char Perm -        Category for Adverse Event
            AESCAT    Char Perm -        Subcategory for Adverse Event
            AEPRESP   Char Perm NY       Pre-Specified Adverse Event
            AEBODSYS  Char Exp  -        Body System or Organ Class
            AEBDSYCD  Num  Exp  -        Body System or Organ Class Code
            AESOC     Char Exp  -        Primary System Organ Class
            AESOCCD   Num  Exp  -        Primary System Organ Class Code
            AELOC     Char Perm LOC      Location of Event
            AESEV     Char Perm AESEV    Severity/Intensity
            AESER     Char Exp  NY       Serious Event
            AEACN     Char Exp  ACN      Action Taken with Study Treatment
            AEACNOTH  Char Perm -        Other Action Taken
            AEACNDEV  Char Perm -        Action Taken with Device
            AEREL     Char Exp  -        Causality
            AERLDEV   Char Perm -        Relationship of Event to Device
            AERELNST  Char Perm -        Relationship to Non-Study Treatment
            AEPATT    Char Perm -        Pattern of Adverse Event
            AEOUT     Char Perm OUT      Outcome of Adverse Event
            AESCAN    Char Perm NY       Involves Cancer
            AESCONG   Char Perm NY       Congenital Anomaly or Birth Defect
            AESDISAB  Char Perm NY       Persist or Signif Disability/Incapacity
            AESDTH    Char Perm NY       Results in Death
            AESHOSP   Char Perm NY       Requires or Prolongs Hospitalization
            AESLIFE   Char Perm NY       Is Life Threatening
            AESOD     Char Perm NY       Occurred with Overdose
            AESMIE    Char Perm NY       Other Medically Important Serious Event
            AESINTV   Char Perm NY       Needs Intervention to Prevent Impairment
            AEUNANT   Char Perm NY       Unanticipated Adverse Device Effect
            AERLPRT   Char Perm -        Rel of AE to Non-Dev-Rel Study Activity
            AERLPRC   Char Perm -        Rel of AE to Device-Related Procedure
            AECONTRT  Char Perm NY       Concomitant or Additional Trtmnt Given
            AETOXGR   Char Perm -        Standard Toxicity Grade
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            AESTDTC   DTC  Exp  -        Start Date/Time of Adverse Event
            AEENDTC   DTC  Exp  -        End Date/Time of Adverse Event
            AESTDY    Int  Perm -        Study Day of Start of Adverse Event
            AEENDY    Int  Perm -        Study Day of End of Adverse Event
            AEDUR     Dur  Perm -        Duration of Adverse Event
            AEENRF    Char Perm STENRF   End Relative to Reference Period
            AEENRTPT  Char Perm STENRF   End Relative to Reference Time Point
            AEENTPT   Char Perm -        End Reference Time Point
            """),
        Domain("DS", "Disposition", DomainClass.Events, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            DSSEQ     Int  Req  -        Sequence Number
            DSGRPID   Char Perm -        Group ID
            DSREFID   Char Perm -        Reference ID
            DSSPID    Char Perm -        Sponsor-Defined Identifier
            DSTERM    Char Req  -        Reported Term for the Disposition Event
            DSDECOD   Char Req  NCOMPLT  Standardized Disposition Term
            DSCAT     Char Exp  DSCAT    Category for Disposition Event
            DSSCAT    Char Perm -        Subcategory for Disposition Event
            EPOCH     Char Perm EPOCH    Epoch
            DSDTC     DTC  Perm -        Date/Time of Collection
            DSSTDTC   DTC  Exp  -        Start Date/Time of Disposition Event
            DSDY      Int  Perm -        Study Day of Collection
            DSSTDY    Int  Exp  -        Study Day of Start of Disposition Event
            """),
        Domain("MH", "Medical History", DomainClass.Events, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            MHSEQ     Int  Req  -        Sequence Number
            MHGRPID   Char Perm -        Group ID
            MHREFID   Char Perm -        Reference ID
            MHSPID    Char Perm -        Sponsor-Defined Identifier
            MHTERM    Char Req  -        Reported Term for the Medical History
            MHMODIFY  Char Perm -        Modified Reported Term
            MHDECOD   Char Perm -        Dictionary-Derived Term
            MHEVDTYP  Char Perm -        Medical History Event Date Type
            MHCAT     Char Perm -        Category for Medical History
            MHSCAT    Char Perm -        Subcategory for Medical History
            MHPRESP   Char Perm NY       Medical History Event Pre-Specified
            MHOCCUR   Char Perm NY       Medical History Occurrence
            MHSTAT    Char Perm ND       Completion Status
            MHREASND  Char Perm -        Reason Medical History Not Collected
            MHBODSYS  Char Perm -        Body System or Organ Class
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            MHDTC     DTC  Perm -        Date/Time of History Collection
            MHSTDTC   DTC  Perm -        Start Date/Time of Medical History Event
            MHENDTC   DTC  Perm -        End Date/Time of Medical History Event
            MHDY      Int  Perm -        Study Day of History Collection
            MHENRF    Char Perm STENRF   End Relative to Reference Period
            MHENRTPT  Char Perm STENRF   End Relative to Reference Time Point
            MHENTPT   Char Perm -        End Reference Time Point
            """),

        // ---- Findings ----
        Domain("EG", "ECG Test Results", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            SPDEVID   Char Perm -        Sponsor Device Identifier
            EGSEQ     Int  Req  -        Sequence Number
            EGGRPID   Char Perm -        Group ID
            EGREFID   Char Perm -        ECG Reference ID
            EGSPID    Char Perm -        Sponsor-Defined Identifier
            EGBEATNO  Int  Perm -        ECG Beat Number
            EGTESTCD  Char Req  EGTESTCD ECG Test or Examination Short Name
            EGTEST    Char Req  EGTEST   ECG Test or Examination Name
            EGCAT     Char Perm -        Category for ECG
            EGSCAT    Char Perm -        Subcategory for ECG
            EGPOS     Char Perm POSITION ECG Position of Subject
            EGORRES   Char Exp  -        Result or Finding in Original Units
            EGORRESU  Char Perm UNIT     Original Units
            EGSTRESC  Char Exp  EGSTRESC Character Result/Finding in Std Format
            EGSTRESN  Num  Perm -        Numeric Result/Finding in Standard Units
            EGSTRESU  Char Perm UNIT     Standard Units
            EGSTAT    Char Perm ND       Completion Status
            EGREASND  Char Perm -        Reason ECG Not Done
            EGXFN     Char Perm -        ECG External File Path
            EGNAM     Char Perm -        Vendor Name
            EGMETHOD  Char Perm EGMETHOD Method of Test or Examination
            EGLEAD    Char Perm EGLEAD   Lead Location Used for Measurement
            EGLOBXFL  Char Exp  NY       Last Observation Before Exposure Flag
            EGBLFL    Char Perm NY       Baseline Flag
            EGDRVFL   Char Perm NY       Derived Flag
            EGEVAL    Char Perm EVAL     Evaluator
            EGEVALID  Char Perm MEDEVAL  Evaluator Identifier
            EGCLSIG   Char Perm NY       Clinically Significant, Collected
            EGREPNUM  Int  Perm -        Repetition Number
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            EGDTC     DTC  Exp  -        Date/Time of ECG
            EGDY      Int  Perm -        Study Day of ECG
            EGTPT     Char Perm -        Planned Time Point Name
            EGTPTNUM  Num  Perm -        Planned Time Point Number
            EGELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            EGTPTREF  Char Perm -        Time Point Reference
            EGRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            """),
        Domain("IE", "Inclusion/Exclusion Criteria Not Met", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            IESEQ     Int  Req  -        Sequence Number
            IESPID    Char Perm -        Sponsor-Defined Identifier
            IETESTCD  Char Req  -        Inclusion/Exclusion Criterion Short Name
            IETEST    Char Req  -        Inclusion/Exclusion Criterion
            IECAT     Char Req  IECAT    Inclusion/Exclusion Category
            IESCAT    Char Perm -        Inclusion/Exclusion Subcategory
            IEORRES   Char Req  NY       I/E Criterion Original Result
            IESTRESC  Char Req  NY       I/E Criterion Result in Std Format
            VISITNUM  Num  Perm -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            IEDTC     DTC  Perm -        Date/Time of Collection
            IEDY      Int  Perm -        Study Day of Collection
            """),
        Domain("LB", "Laboratory Test Results", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            LBSEQ     Int  Req  -        Sequence Number
            LBGRPID   Char Perm -        Group ID
            LBREFID   Char Perm -        Specimen ID
            LBSPID    Char Perm -        Sponsor-Defined Identifier
            LBTESTCD  Char Req  LBTESTCD Lab Test or Examination Short Name
            LBTEST    Char Req  LBTEST   Lab Test or Examination Name
            LBTSTCND  Char Perm -        Test Condition
            LBBDAGNT  Char Perm -        Binding Agent
            LBTSTOPO  Char Perm -        Test Operational Objective
            LBCAT     Char Exp  -        Category for Lab Test
            LBSCAT    Char Perm -        Subcategory for Lab Test
            LBORRES   Char Exp  -        Result or Finding in Original Units
            LBORRESU  Char Exp  UNIT     Original Units
            LBRESSCL  Char Perm -        Result Scale
            LBRESTYP  Char Perm -        Result Type
            LBCOLSRT  Char Perm -        Collected Summary Result Type
            LBORNRLO  Char Exp  -        Reference Range Lower Limit in Orig Unit
            LBORNRHI  Char Exp  -        Reference Range Upper Limit in Orig Unit
            LBLLOD    Char Perm -        Lower Limit of Detection
            LBSTRESC  Char Exp  -        Character Result/Finding in Std Format
            LBSTRESN  Num  Exp  -        Numeric Result/Finding in Standard Units
            LBSTRESU  Char Exp  UNIT     Standard Units
            LBSTNRLO  Num  Exp  -        Reference Range Lower Limit-Std Units
            LBSTNRHI  Num  Exp  -        Reference Range Upper Limit-Std Units
            LBSTNRC   Char Perm -        Reference Range for Char Rslt-Std Units
            LBNRIND   Char Exp  NRIND    Reference Range Indicator
            LBSTAT    Char Perm ND       Completion Status
            LBREASND  Char Perm -        Reason Test Not Done
            LBNAM     Char Perm -        Vendor Name
            LBLOINC   Char Perm -        LOINC Code
            LBSPEC    Char Perm SPECTYPE Specimen Type
            LBSPCCND  Char Perm SPECCOND Specimen Condition
            LBSPCUFL  Char Perm NY       Specimen Usability for the Test
            LBMETHOD  Char Perm METHOD   Method of Test or Examination
            LBANMETH  Char Perm -        Analysis Method
            LBTMTHSN  Char Perm -        Test Method Sensitivity
            LBLOBXFL  Char Exp  NY       Last Observation Before Exposure Flag
            LBBLFL    Char Perm NY       Baseline Flag
            LBFAST    Char Perm NY       Fasting Status
            LBDRVFL   Char Perm NY       Derived Flag
            LBTOX     Char Perm -        Toxicity
            LBTOXGR   Char Perm -        Standard Toxicity Grade
            LBCLSIG   Char Perm NY       Clinically Significant, Collected
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            LBDTC     DTC  Exp  -        Date/Time of Specimen Collection
            LBENDTC   DTC  Perm -        End Date/Time of Specimen Collection
            LBDY      Int  Perm -        Study Day of Specimen Collection
            LBENDY    Int  Perm -        Study Day of End of Observation
            LBTPT     Char Perm -        Planned Time Point Name
            LBTPTNUM  Num  Perm -        Planned Time Point Number
            LBELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            LBTPTREF  Char Perm -        Time Point Reference
            LBRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            LBPTFL    Char Perm NY       Point in Time Flag
            LBPDUR    Dur  Perm -        Planned Duration
            """),
        Domain("QS", "Questionnaires", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            QSSEQ     Int  Req  -        Sequence Number
            QSGRPID   Char Perm -        Group ID
            QSSPID    Char Perm -        Sponsor-Defined Identifier
            QSTESTCD  Char Req  -        Question Short Name
            QSTEST    Char Req  -        Question Name
            QSCAT     Char Req  QSCAT    Category of Question
            QSSCAT    Char Perm -        Subcategory for Question
            QSORRES   Char Exp  -        Finding in Original Units
            QSORRESU  Char Perm UNIT     Original Units
            QSSTRESC  Char Exp  -        Character Result/Finding in Std Format
            QSSTRESN  Num  Perm -        Numeric Finding in Standard Units
            QSSTRESU  Char Perm UNIT     Standard Units
            QSSTAT    Char Perm ND       Completion Status
            QSREASND  Char Perm -        Reason Not Performed
            QSMETHOD  Char Perm METHOD   Method of Test or Examination
            QSLOBXFL  Char Exp  NY       Last Observation Before Exposure Flag
            QSBLFL    Char Perm NY       Baseline Flag
            QSDRVFL   Char Perm NY       Derived Flag
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            QSDTC     DTC  Exp  -        Date/Time of Finding
            QSDY      Int  Perm -        Study Day of Finding
            QSTPT     Char Perm -        Planned Time Point Name
            QSTPTNUM  Num  Perm -        Planned Time Point Number
            QSELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            QSTPTREF  Char Perm -        Time Point Reference
            QSRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            QSEVLINT  Dur  Perm -        Evaluation Interval
            QSEVINTX  Char Perm -        Evaluation Interval Text
            """),
        Domain("SC", "Subject Characteristics", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            SCSEQ     Int  Req  -        Sequence Number
            SCGRPID   Char Perm -        Group ID
            SCSPID    Char Perm -        Sponsor-Defined Identifier
            SCTESTCD  Char Req  SCTESTCD Subject Characteristic Short Name
            SCTEST    Char Req  SCTEST   Subject Characteristic
            SCCAT     Char Perm -        Category for Subject Characteristic
            SCSCAT    Char Perm -        Subcategory for Subject Characteristic
            SCORRES   Char Exp  -        Result or Finding in Original Units
            SCORRESU  Char Perm UNIT     Original Units
            SCSTRESC  Char Exp  -        Character Result/Finding in Std Format
            SCSTRESN  Num  Perm -        Numeric Result/Finding in Standard Units
            SCSTRESU  Char Perm UNIT     Standard Units
            SCSTAT    Char Perm ND       Completion Status
            SCREASND  Char Perm -        Reason Not Performed
            VISITNUM  Num  Perm -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            SCDTC     DTC  Perm -        Date/Time of Collection
            SCDY      Int  Perm -        Study Day of Examination
            """),
        Domain("VS", "Vital Signs", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            VSSEQ     Int  Req  -        Sequence Number
            VSGRPID   Char Perm -        Group ID
            VSSPID    Char Perm -        Sponsor-Defined Identifier
            VSTESTCD  Char Req  VSTESTCD Vital Signs Test Short Name
            VSTEST    Char Req  VSTEST   Vital Signs Test Name
            VSCAT     Char Perm -        Category for Vital Signs
            VSSCAT    Char Perm -        Subcategory for Vital Signs
            VSPOS     Char Perm POSITION Vital Signs Position of Subject
            VSORRES   Char Exp  -        Result or Finding in Original Units
            VSORRESU  Char Exp  VSRESU   Original Units
            VSSTRESC  Char Exp  -        Character Result/Finding in Std Format
            VSSTRESN  Num  Exp  -        Numeric Result/Finding in Standard Units
            VSSTRESU  Char Exp  VSRESU   Standard Units
            VSSTAT    Char Perm ND       Completion Status
            VSREASND  Char Perm -        Reason Not Performed
            VSLOC     Char Perm LOC      Location of Vital Signs Measurement
            VSLAT     Char Perm LAT      Laterality
            VSLOBXFL  Char Exp  NY       Last Observation Before Exposure Flag
            VSBLFL    Char Perm NY       Baseline Flag
            VSDRVFL   Char Perm NY       Derived Flag
            VSTOX     Char Perm -        Toxicity
            VSTOXGR   Char Perm -        Standard Toxicity Grade
            VSCLSIG   Char Perm NY       Clinically Significant, Collected
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            TAETORD   Int  Perm -        Planned Order of Element within Arm
            EPOCH     Char Perm EPOCH    Epoch
            VSDTC     DTC  Exp  -        Date/Time of Measurements
            VSDY      Int  Perm -        Study Day of Vital Signs
            VSTPT     Char Perm -        Planned Time Point Name
            VSTPTNUM  Num  Perm -        Planned Time Point Number
            VSELTM    Dur  Perm -        Planned Elapsed Time from Time Point Ref
            VSTPTREF  Char Perm -        Time Point Reference
            VSRFTDTC  DTC  Perm -        Date/Time of Reference Time Point
            """),

        // ---- Trial design ----
        Domain("TA", "Trial Arms", DomainClass.TrialDesign, DomainStructure.StudyLevel, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            ARMCD     Char Req  -        Planned Arm Code
            ARM       Char Req  -        Description of Planned Arm
            TAETORD   Int  Req  -        Planned Order of Element within Arm
            ETCD      Char Req  -        Element Code
            ELEMENT   Char Perm -        Description of Element
            TABRANCH  Char Exp  -        Branch
            TATRANS   Char Exp  -        Transition Rule
            EPOCH     Char Req  EPOCH    Epoch
            """),
        Domain("TE", "Trial Elements", DomainClass.TrialDesign, DomainStructure.StudyLevel, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            ETCD      Char Req  -        Element Code
            ELEMENT   Char Req  -        Description of Element
            TESTRL    Char Req  -        Rule for Start of Element
            TEENRL    Char Perm -        Rule for End of Element
            TEDUR     Dur  Perm -        Planned Duration of Element
            """),
        Domain("TI", "Trial Inclusion/Exclusion Criteria", DomainClass.TrialDesign, DomainStructure.StudyLevel, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            IETESTCD  Char Req  -        Incl/Excl Criterion Short Name
            IETEST    Char Req  -        Inclusion/Exclusion Criterion
            IECAT     Char Req  IECAT    Inclusion/Exclusion Category
            IESCAT    Char Perm -        Inclusion/Exclusion Subcategory
            TIRL      Char Perm -        Inclusion/Exclusion Criterion Rule
            TIVERS    Char Perm -        Protocol Criteria Versions
            """),
        Domain("TS", "Trial Summary", DomainClass.TrialDesign, DomainStructure.StudyLevel, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            TSSEQ     Int  Req  -        Sequence Number
            TSGRPID   Char Perm -        Group ID
            TSPARMCD  Char Req  TSPARMCD Trial Summary Parameter Short Name
            TSPARM    Char Req  TSPARM   Trial Summary Parameter
            TSVAL     Char Exp  -        Parameter Value
            TSVALNF   Char Perm NULLFLAV Parameter Value Null Flavor
            TSVALCD   Char Exp  -        Parameter Value Code
            TSVCDREF  Char Exp  -        Name of the Reference Terminology
            TSVCDVER  Char Exp  -        Version of the Reference Terminology
            """),
        Domain("TV", "Trial Visits", DomainClass.TrialDesign, DomainStructure.StudyLevel, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            VISITNUM  Num  Req  -        Visit Number
            VISIT     Char Req  -        Visit Name
            VISITDY   Int  Perm -        Planned Study Day of Visit
            ARMCD     Char Exp  -        Planned Arm Code
            ARM       Char Perm -        Description of Planned Arm
            TVSTRL    Char Req  -        Visit Start Rule
            TVENRL    Char Perm -        Visit End Rule
            """),

        // ---- Relationship ----
        Domain("RELREC", "Related Records", DomainClass.Relationship, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            RDOMAIN   Char Req  DOMAIN   Related Domain Abbreviation
            USUBJID   Char Exp  -        Unique Subject Identifier
            IDVAR     Char Req  -        Identifying Variable
            IDVARVAL  Char Exp  -        Identifying Variable Value
            RELTYPE   Char Exp  RELTYPE  Relationship Type
            RELID     Char Req  -        Relationship Identifier
            """),
        // ---- Oncology findings (SDTMIG 3.4 section 6.3.15) ----
        Domain("TU", "Tumor/Lesion Identification", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            TUSEQ     Int  Req  -        Sequence Number
            TUGRPID   Char Perm -        Group ID
            TUREFID   Char Perm -        Reference ID
            TUSPID    Char Perm -        Sponsor-Defined Identifier
            TULNKID   Char Exp  -        Link ID
            TULNKGRP  Char Perm -        Link Group ID
            TUTESTCD  Char Req  TUTESTCD Tumor/Lesion ID Short Name
            TUTEST    Char Req  TUTEST   Tumor/Lesion ID Test Name
            TUORRES   Char Exp  -        Tumor/Lesion ID Result
            TUSTRESC  Char Exp  -        Tumor/Lesion ID Result Std. Format
            TUNAM     Char Perm -        Laboratory/Vendor Name
            TULOC     Char Exp  LOC      Location of the Tumor/Lesion
            TULAT     Char Perm LAT      Laterality
            TUDIR     Char Perm DIR      Directionality
            TUMETHOD  Char Exp  METHOD   Method of Identification
            TUEVAL    Char Exp  EVAL     Evaluator
            TUEVALID  Char Perm MEDEVAL  Evaluator Identifier
            TUACPTFL  Char Perm NY       Accepted Record Flag
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            TUDTC     DTC  Exp  -        Date/Time of Tumor/Lesion Identification
            TUDY      Int  Perm -        Study Day of Tumor/Lesion Identification
            """),
        Domain("TR", "Tumor/Lesion Results", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            TRSEQ     Int  Req  -        Sequence Number
            TRGRPID   Char Perm -        Group ID
            TRREFID   Char Perm -        Reference ID
            TRSPID    Char Perm -        Sponsor-Defined Identifier
            TRLNKID   Char Exp  -        Link ID
            TRLNKGRP  Char Perm -        Link Group ID
            TRTESTCD  Char Req  TRTESTCD Tumor/Lesion Assessment Short Name
            TRTEST    Char Req  TRTEST   Tumor/Lesion Assessment Test Name
            TRORRES   Char Exp  -        Result or Finding in Original Units
            TRORRESU  Char Exp  UNIT     Original Units
            TRSTRESC  Char Exp  -        Character Result/Finding in Std Format
            TRSTRESN  Num  Exp  -        Numeric Result/Finding in Standard Units
            TRSTRESU  Char Exp  UNIT     Standard Units
            TRSTAT    Char Perm ND       Completion Status
            TRREASND  Char Perm -        Reason Not Done
            TRNAM     Char Perm -        Laboratory/Vendor Name
            TRMETHOD  Char Exp  METHOD   Method used to Identify the Tumor/Lesion
            TREVAL    Char Exp  EVAL     Evaluator
            TREVALID  Char Perm MEDEVAL  Evaluator Identifier
            TRACPTFL  Char Perm NY       Accepted Record Flag
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            TRDTC     DTC  Exp  -        Date/Time of Tumor/Lesion Measurement
            TRDY      Int  Perm -        Study Day of Tumor/Lesion Measurement
            """),
        Domain("RS", "Disease Response and Clin Classification", DomainClass.Findings, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            DOMAIN    Char Req  DOMAIN   Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            RSSEQ     Int  Req  -        Sequence Number
            RSGRPID   Char Perm -        Group ID
            RSREFID   Char Perm -        Reference ID
            RSSPID    Char Perm -        Sponsor-Defined Identifier
            RSLNKID   Char Perm -        Link ID
            RSLNKGRP  Char Perm -        Link Group ID
            RSTESTCD  Char Req  RSTESTCD Assessment Short Name
            RSTEST    Char Req  RSTEST   Assessment Name
            RSCAT     Char Exp  -        Category for Assessment
            RSORRES   Char Exp  -        Result or Finding in Original Units
            RSORRESU  Char Perm UNIT     Original Units
            RSSTRESC  Char Exp  -        Character Result/Finding in Std Format
            RSSTRESN  Num  Perm -        Numeric Result/Finding in Standard Units
            RSSTRESU  Char Perm UNIT     Standard Units
            RSSTAT    Char Perm ND       Completion Status
            RSREASND  Char Perm -        Reason Not Done
            RSNAM     Char Perm -        Laboratory/Vendor Name
            RSEVAL    Char Exp  EVAL     Evaluator
            RSEVALID  Char Perm MEDEVAL  Evaluator Identifier
            RSACPTFL  Char Perm NY       Accepted Record Flag
            VISITNUM  Num  Exp  -        Visit Number
            VISIT     Char Perm -        Visit Name
            RSDTC     DTC  Exp  -        Date/Time of Assessment
            RSDY      Int  Perm -        Study Day of Assessment
            """),
        Domain("SUPPQUAL", "Supplemental Qualifiers", DomainClass.Relationship, DomainStructure.ManyPerSubject, """
            STUDYID   Char Req  -        Study Identifier
            RDOMAIN   Char Req  DOMAIN   Related Domain Abbreviation
            USUBJID   Char Req  -        Unique Subject Identifier
            IDVAR     Char Exp  -        Identifying Variable
            IDVARVAL  Char Exp  -        Identifying Variable Value
            QNAM      Char Req  -        Qualifier Variable Name
            QLABEL    Char Req  -        Qualifier Variable Label
            QVAL      Char Req  -        Data Value
            QORIG     Char Req  -        Origin
            QEVAL     Char Exp  EVAL     Evaluator
            """),
    ];

    private static DomainSchema Domain(string name, string label, DomainClass domainClass, DomainStructure structure, string table)
    {
        var variables = new List<VariableSchema>();
        foreach (var raw in table.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split(' ', 5, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (parts.Length != 5) throw new InvalidOperationException($"SDTMIG table {name}: malformed row '{line}'.");
            var type = parts[1] switch
            {
                "Char" => VariableType.Char,
                "Num" => VariableType.Num,
                "Int" => VariableType.Integer,
                "DTC" => VariableType.DateTime,
                "Dur" => VariableType.Duration,
                _ => throw new InvalidOperationException($"SDTMIG table {name}: unknown type '{parts[1]}' for {parts[0]}."),
            };
            var core = parts[2] switch
            {
                "Req" => VariableCore.Required,
                "Exp" => VariableCore.Expected,
                "Perm" => VariableCore.Permissible,
                _ => throw new InvalidOperationException($"SDTMIG table {name}: unknown core '{parts[2]}' for {parts[0]}."),
            };
            variables.Add(new VariableSchema(parts[0], parts[4], type, core, parts[3] == "-" ? null : parts[3]));
        }
        return new DomainSchema(name, label, domainClass, structure, variables);
    }
}
