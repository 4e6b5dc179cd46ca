// The ProtocolEngine protocol language.
//
// A .protocol file reads like a trial protocol: a header, then declarations that each start with a
// keyword (so errors recover at the next declaration). Expressions follow HL7 CQL 1.5 syntax wherever
// it fits, so the CQL conformance suite can be run through this grammar unchanged.
// Reference: docs/language.md. The build regenerates the C# parser from this file (grammar/README.md).
grammar Protocol;

// The opening parenthesis of a parenthesized query source, `(expression) Alias`. The lexer reads every `(` as '(';
// ProtocolParser retypes the ones whose matching `)` is followed by an alias (in one pass over the tokens), so the
// parser tells a query from a parenthesized term by one token instead of looking ahead over the whole parenthesis,
// which cost time growing with the square of its length.
// OUTCOME_OR: the `or` between the outcomes of a criteria guard (`when criteria met or unknown`), retyped the same way:
// read as a plain `or` it could also join two guards, and the parser looked ahead across the whole list at each one.
tokens { QUERY_OPEN, OUTCOME_OR }

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

protocolFile
    : header? declaration* EOF
    ;

// A lone expression, used by the CQL conformance runner, the expression tests and the REPL.
expressionFile
    : expression EOF
    ;

header
    : kind=('protocol' | 'library') qualifiedName versionClause? headerItem*
    ;

versionClause
    : 'version' STRING ('amends' STRING)?
    ;

headerItem
    : 'title' STRING                                        #titleItem
    | 'phase' (INTEGER | STRING)                            #phaseItem
    | 'data' identifier STRING                              #dataModelItem
    | 'sponsor' STRING                                      #sponsorItem
    | 'indication' STRING                                   #indicationItem
    | 'cites' STRING                                        #citesItem
    ;

declaration
    : importDeclaration
    | parameterDeclaration
    | rolesDeclaration
    | armsDeclaration
    | visitsDeclaration
    | codelistDeclaration
    | defineDeclaration
    | criteriaDeclaration
    | checkDeclaration
    | tableDeclaration
    | safetyDeclaration
    | workflowDeclaration
    ;

qualifiedName
    : identifier ('.' identifier)*
    ;

// ---------------------------------------------------------------------------------------------
// Declarations
// ---------------------------------------------------------------------------------------------

importDeclaration
    : 'import' qualifiedName ('as' importAlias=identifier)? ('with' parameterOverride (',' parameterOverride)*)?
    ;

parameterOverride
    : identifier '=' expression
    ;

parameterDeclaration
    : 'parameter' identifier (':' typeSpecifier)? ('default' expression)? STRING?
    ;

rolesDeclaration
    : 'roles' roleDefinition+
    ;

roleDefinition
    : identifier STRING?
    ;

armsDeclaration
    : 'arms' armDefinition+ randomization?
    ;

armDefinition
    : identifier STRING ('ratio' INTEGER)?
    ;

randomization
    : 'randomize' 'permuted' 'blocks' 'of' INTEGER (',' INTEGER)* ('stratified' 'by' expressionTerm (',' expressionTerm)*)?
      ('seed' seed=INTEGER)?
    ;

visitsDeclaration
    : 'visits' visitDefinition+
    ;

visitDefinition
    : identifier STRING? 'day' signedInteger visitClause*
    ;

visitClause
    : 'number' (INTEGER | DECIMAL)                          #visitNumberClause
    | 'window' signedInteger '..' signedInteger             #visitRangeWindow
    | 'window' INTEGER dateTimeUnit                         #visitSymmetricWindow
    ;

signedInteger
    : ('+' | '-')? INTEGER
    ;

codelistDeclaration
    : 'codelist' identifier title=STRING? ('system' system=STRING)? ('version' codeVersion=STRING)? codeEntry (',' codeEntry)*
    ;

codeEntry
    : code=STRING display=STRING?
    ;

defineDeclaration
    : 'define' identifier ':' expression                                                            #expressionDefine
    | 'define' 'function'? identifier '(' (operandDefinition (',' operandDefinition)*)? ')'
          ('returns' typeSpecifier)? ':' expression                                                 #functionDefine
    ;

operandDefinition
    : identifier typeSpecifier
    ;

criteriaDeclaration
    : 'criteria' criterion*
    ;

criterion
    : kind=('inclusion' | 'exclusion') identifier STRING criterionClause* criterionBody
    ;

criterionClause
    : 'phase' identifier                                    #criterionPhase
    | 'cites' STRING                                        #criterionCites
    ;

criterionBody
    : 'attested' 'by' identifier                            #attestedBody
    | expression                                            #expressionBody
    ;

checkDeclaration
    : 'check' identifier STRING checkClause*
    ;

checkClause
    : 'severity' severity=('critical' | 'error' | 'warning' | 'notice')     #checkSeverity
    | 'cites' STRING                                                        #checkCites
    | 'for' 'each' identifier aliasName ('where' expression)?        #checkForEachRecord
    | 'for' 'each' 'subject' ('where' expression)?                          #checkForEachSubject
    | 'for' 'study'                                                         #checkForStudy
    | 'expect' expression                                                   #checkExpect
    | 'message' STRING                                                      #checkMessage
    | 'query' 'to' identifier                                               #checkQuery
    ;

tableDeclaration
    : 'table' identifier STRING tableClause* tableRow+
    ;

tableClause
    : 'input' tableInput (',' tableInput)*                  #tableInputs
    | 'output' typeSpecifier                                #tableOutput
    | 'hit' policy=('first' | 'unique' | 'any' | 'collect') #tableHitPolicy
    | 'cites' STRING                                        #tableCites
    ;

tableInput
    : identifier ':' typeSpecifier
    ;

tableRow
    : '|' tableCell ('|' tableCell)* '|'
    ;

tableCell
    : 'otherwise'                                           #otherwiseCell
    | '-'                                                   #anyCell
    | cellExpression                                        #expressionCell
    ;

safetyDeclaration
    : 'safety' safetyRule*
    ;

safetyRule
    : 'rule' identifier STRING 'for' 'each' domain=identifier aliasName
          ('when' expression)? safetyClause*
    ;

safetyClause
    : 'classify' 'as' STRING                                                 #classifyClause
    | 'cites' STRING                                                         #safetyCites
    | obligation (',' obligation)*                                           #obligationClause
    ;

obligation
    : 'notify' identifier 'within' clockDuration 'of' 'awareness' regionOverride*             #notifyObligation
    | 'report' 'to' identifier 'within' clockDuration 'of' 'awareness' regionOverride*         #reportObligation
    | 'complete' 'report' 'within' clockDuration 'more'                                      #completeObligation
    | 'follow' 'up' 'within' clockDuration                                                   #followUpObligation
    ;

regionOverride
    : 'in' 'region' STRING 'within' clockDuration
    ;

// `24 hours`, `7 calendar days`, or the name of a duration parameter.
clockDuration
    : INTEGER 'calendar'? dateTimeUnit                     #literalClockDuration
    | identifier                                           #namedClockDuration
    ;

workflowDeclaration
    : 'workflow' identifier STRING? workflowScope workflowMember*
    ;

workflowScope
    : 'per' 'subject'                                                    #subjectScope
    | 'per' domain=identifier aliasName ('when' expression)?      #recordScope
    ;

workflowMember
    : 'state' identifier stateClause*                                    #stateMember
    | from=identifier '->' to=identifier transitionGuard? transitionActions?   #transitionMember
    ;

stateClause
    : 'initial'                                                          #initialClause
    | 'final'                                                            #finalClause
    | 'on' 'entry' action (',' action)*                                  #entryClause
    | kind=('task' | 'gate') identifier STRING? ('for' identifier ('or' identifier)*)? taskClause*   #taskStateClause
    | 'deadline' clockDuration '->' identifier ('reason' STRING)?      #deadlineClause
    ;

taskClause
    : 'due' clockDuration                                                #taskDue
    | 'remind' ('after' | 'before') clockDuration ('every' clockDuration)?   #taskRemind
    | 'escalate' 'to' identifier ('after' clockDuration)?               #taskEscalate
    | 'requires' 'signature' 'meaning' STRING                            #taskSignature
    | 'decisions' identifier (',' identifier)*                           #taskDecisions
    ;

transitionGuard
    : 'when' guard
    ;

guard
    : guard 'and' guard                                                  #andGuard
    | guard 'or' guard                                                   #orGuard
    | '(' guard ')'                                                      #parenthesizedGuard
    | 'criteria' ('phase' identifier)? criteriaOutcome (OUTCOME_OR criteriaOutcome)*    #criteriaGuard
    | identifier taskOutcome                                             #taskGuard
    | 'event' identifier                                                 #eventGuard
    | 'clock' qualifiedName clockOutcome=('met' | 'missed')              #clockGuard
    | expression                                                         #expressionGuard
    ;

criteriaOutcome
    : 'met'
    | 'not' 'met'
    | 'unknown'
    | 'attested'
    ;

taskOutcome
    : 'completed'
    | 'approved'
    | 'rejected'
    | 'decided' identifier
    ;

transitionActions
    : ',' 'then' action (',' action)*
    ;

action
    : 'evaluate' 'criteria' ('phase' identifier)?                        #evaluateAction
    | 'randomize'                                                        #randomizeAction
    | 'notify' identifier STRING?                                        #notifyAction
    | 'start' 'clocks'                                                   #startClocksAction
    | 'stop' 'clock' qualifiedName                                       #stopClockAction
    | 'withdraw' 'clock' qualifiedName ('reason' STRING)?                #withdrawClockAction
    | 'record' 'deviation' STRING                                        #deviationAction
    | 'emit' identifier                                                  #emitAction
    ;

// ---------------------------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------------------------

typeSpecifier
    : namedTypeSpecifier
    | 'List' '<' typeSpecifier '>'
    | 'Interval' '<' typeSpecifier '>'
    | 'Tuple' '{' tupleElementDefinition (',' tupleElementDefinition)* '}'
    | 'Choice' '<' typeSpecifier (',' typeSpecifier)* '>'
    ;

namedTypeSpecifier
    : (identifier '.')* identifier
    ;

tupleElementDefinition
    : identifier typeSpecifier
    ;

// ---------------------------------------------------------------------------------------------
// Expressions (CQL 1.5 precedence, lowest first; set operators bind loosest)
// ---------------------------------------------------------------------------------------------

expression
    : expression ('|' | 'union' | 'intersect' | 'except') expression                        #setExpression
    | cellExpression                                                                         #coreExpression
    ;

// Everything but the `|` set operator, so that decision-table rows can use `|` as the cell separator.
cellExpression
    : expressionTerm                                                                         #termExpression
    | query                                                                                  #queryExpression
    | cellExpression 'is' 'not'? ('null' | 'true' | 'false')                                 #booleanTestExpression
    | cellExpression ('is' | 'as') typeSpecifier                                             #typeExpression
    | 'cast' cellExpression 'as' typeSpecifier                                               #castExpression
    | 'not' cellExpression                                                                   #notExpression
    | 'exists' cellExpression                                                                #existsExpression
    | cellExpression 'properly'? 'between' expressionTerm 'and' expressionTerm               #betweenExpression
    | ('duration' 'in')? pluralDateTimePrecision 'between' expressionTerm 'and' expressionTerm   #durationBetweenExpression
    | 'difference' 'in' pluralDateTimePrecision 'between' expressionTerm 'and' expressionTerm    #differenceBetweenExpression
    | cellExpression op=('<=' | '<' | '>' | '>=') cellExpression                             #inequalityExpression
    | cellExpression intervalOperatorPhrase cellExpression                                   #timingExpression
    | cellExpression op=('=' | '!=' | '~' | '!~') cellExpression                             #equalityExpression
    | cellExpression op=('in' | 'contains') dateTimePrecisionSpecifier? cellExpression       #membershipExpression
    | cellExpression 'and' cellExpression                                                    #andExpression
    | cellExpression op=('or' | 'xor') cellExpression                                        #orExpression
    | cellExpression 'implies' cellExpression                                                #impliesExpression
    ;

dateTimePrecision
    : 'year' | 'month' | 'week' | 'day' | 'hour' | 'minute' | 'second' | 'millisecond'
    ;

dateTimeComponent
    : dateTimePrecision
    | 'date'
    | 'time'
    | 'timezoneoffset'
    ;

pluralDateTimePrecision
    : 'years' | 'months' | 'weeks' | 'days' | 'hours' | 'minutes' | 'seconds' | 'milliseconds'
    ;

dateTimeUnit
    : dateTimePrecision
    | pluralDateTimePrecision
    ;

dateTimePrecisionSpecifier
    : dateTimePrecision 'of'
    ;

expressionTerm
    : term                                                                                   #termExpressionTerm
    | expressionTerm '.' qualifiedInvocation                                                 #invocationExpressionTerm
    | expressionTerm '[' expression ']'                                                      #indexedExpressionTerm
    | 'convert' expression 'to' (typeSpecifier | STRING_LITERAL)                             #conversionExpressionTerm
    | op=('+' | '-') expressionTerm                                                          #polarityExpressionTerm
    | boundary=('start' | 'end') 'of' expressionTerm                                         #timeBoundaryExpressionTerm
    | dateTimeComponent 'from' expressionTerm                                                #timeUnitExpressionTerm
    | 'duration' 'in' pluralDateTimePrecision 'of' expressionTerm                            #durationExpressionTerm
    | 'difference' 'in' pluralDateTimePrecision 'of' expressionTerm                          #differenceExpressionTerm
    | 'width' 'of' expressionTerm                                                            #widthExpressionTerm
    | 'successor' 'of' expressionTerm                                                        #successorExpressionTerm
    | 'predecessor' 'of' expressionTerm                                                      #predecessorExpressionTerm
    | 'singleton' 'from' expressionTerm                                                      #singletonExpressionTerm
    | 'point' 'from' expressionTerm                                                          #pointExpressionTerm
    | extent=('minimum' | 'maximum') namedTypeSpecifier                                      #typeExtentExpressionTerm
    | <assoc=right> expressionTerm '^' expressionTerm                                        #powerExpressionTerm
    | expressionTerm op=('*' | '/' | 'div' | 'mod') expressionTerm                           #multiplicationExpressionTerm
    | expressionTerm op=('+' | '-' | '&') expressionTerm                                     #additionExpressionTerm
    | 'if' expression 'then' expression 'else' expression                                    #ifThenElseExpressionTerm
    | 'case' expression? caseItem+ 'else' expression 'end'                                   #caseExpressionTerm
    | op=('distinct' | 'flatten') expression                                                 #listOperatorExpressionTerm
    | op=('expand' | 'collapse') expression ('per' (dateTimePrecision | expression))?        #setAggregateExpressionTerm
    ;

caseItem
    : 'when' expression 'then' expression
    ;

term
    : ('List' ('<' typeSpecifier '>')?)? '{' (expression (',' expression)*)? '}'             #listSelectorTerm
    | 'Interval' (open='[' | open='(') expression ',' expression (close=']' | close=')')      #intervalSelectorTerm
    | invocation                                                                             #invocationTerm
    | literal                                                                                #literalTerm
    | 'Tuple'? '{' (':' | tupleElementSelector (',' tupleElementSelector)*) '}'              #tupleSelectorTerm
    | identifier '{' (instanceElementSelector (',' instanceElementSelector)*)? '}'           #instanceSelectorTerm
    | 'Code' STRING_LITERAL 'from' identifier ('display' STRING_LITERAL)?                    #codeSelectorTerm
    | 'Concept' '{' codeSelector (',' codeSelector)* '}' ('display' STRING_LITERAL)?        #conceptSelectorTerm
    | '(' expression ')'                                                                     #parenthesizedTerm
    ;

codeSelector
    : 'Code' STRING_LITERAL 'from' identifier ('display' STRING_LITERAL)?
    ;

tupleElementSelector
    : identifier ':' expression
    ;

instanceElementSelector
    : identifier ':' expression
    ;

literal
    : ('true' | 'false')                                     #booleanLiteral
    | 'null'                                                 #nullLiteral
    | STRING_LITERAL                                         #stringLiteral
    | (INTEGER | DECIMAL)                                    #numberLiteral
    | LONG                                                   #longNumberLiteral
    | DATETIME                                               #dateTimeLiteral
    | DATE                                                   #dateLiteral
    | TIME                                                   #timeLiteral
    | quantity                                               #quantityLiteral
    | quantity ':' quantity                                  #ratioLiteral
    ;

quantity
    : (INTEGER | DECIMAL) unit
    ;

unit
    : dateTimeUnit
    | STRING_LITERAL
    ;

invocation
    : referentialIdentifier                                                #identifierInvocation
    | referentialIdentifier '(' (expression (',' expression)*)? ')'        #functionInvocation
    | '$this'                                                              #thisInvocation
    | '$index'                                                             #indexInvocation
    | '$total'                                                             #totalInvocation
    ;

qualifiedInvocation
    : referentialIdentifier                                                #qualifiedMemberInvocation
    | referentialIdentifier '(' (expression (',' expression)*)? ')'        #qualifiedFunctionInvocation
    ;

// Timing phrases between two points or intervals, as CQL writes them.
intervalOperatorPhrase
    : anchor=('starts' | 'ends' | 'occurs')? 'same' dateTimePrecision? (relativeQualifier | 'as') target=('start' | 'end')?          #concurrentWithPhrase
    | 'properly'? 'includes' dateTimePrecisionSpecifier? target=('start' | 'end')?                                               #includesPhrase
    | anchor=('starts' | 'ends' | 'occurs')? 'properly'? ('during' | 'included' 'in') dateTimePrecisionSpecifier?                 #includedInPhrase
    | anchor=('starts' | 'ends' | 'occurs')? quantityOffset? temporalRelationship dateTimePrecisionSpecifier? target=('start' | 'end')?   #beforeOrAfterPhrase
    | anchor=('starts' | 'ends' | 'occurs')? 'properly'? 'within' quantity 'of' target=('start' | 'end')?                         #withinPhrase
    | 'meets' direction=('before' | 'after')? dateTimePrecisionSpecifier?                                                       #meetsPhrase
    | 'overlaps' direction=('before' | 'after')? dateTimePrecisionSpecifier?                                                    #overlapsPhrase
    | 'starts' dateTimePrecisionSpecifier?                                                                                        #startsPhrase
    | 'ends' dateTimePrecisionSpecifier?                                                                                          #endsPhrase
    ;

relativeQualifier
    : 'or' 'before'
    | 'or' 'after'
    ;

offsetRelativeQualifier
    : 'or' 'more'
    | 'or' 'less'
    ;

exclusiveRelativeQualifier
    : 'less' 'than'
    | 'more' 'than'
    ;

quantityOffset
    : quantity offsetRelativeQualifier?
    | exclusiveRelativeQualifier quantity
    ;

temporalRelationship
    : ('on' 'or')? ('before' | 'after')
    | ('before' | 'after') ('or' 'on')?
    ;

// ---------------------------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------------------------

query
    : sourceClause letClause? queryInclusionClause* whereClause? (aggregateClause | returnClause)? sortClause?
    ;

sourceClause
    : 'from'? aliasedQuerySource (',' aliasedQuerySource)*
    ;

aliasedQuerySource
    : querySource alias
    ;

alias
    : aliasName
    ;

querySource
    : qualifiedIdentifierExpression
    | QUERY_OPEN expression ')'
    ;

qualifiedIdentifierExpression
    : (qualifierExpression '.')* referentialIdentifier
    ;

qualifierExpression
    : referentialIdentifier
    ;

letClause
    : 'let' letClauseItem (',' letClauseItem)*
    ;

letClauseItem
    : identifier ':' expression
    ;

queryInclusionClause
    : 'with' aliasedQuerySource 'such' 'that' expression         #withClause
    | 'without' aliasedQuerySource 'such' 'that' expression      #withoutClause
    ;

whereClause
    : 'where' expression
    ;

returnClause
    : 'return' ('all' | 'distinct')? expression
    ;

aggregateClause
    : 'aggregate' ('all' | 'distinct')? identifier ('starting' startingClause)? ':' expression
    ;

startingClause
    : simpleLiteral
    | quantity
    | '(' expression ')'
    ;

simpleLiteral
    : STRING_LITERAL
    | INTEGER
    | DECIMAL
    ;

sortClause
    : 'sort' (sortDirection | ('by' sortByItem (',' sortByItem)*))
    ;

sortDirection
    : 'asc' | 'ascending' | 'desc' | 'descending'
    ;

sortByItem
    : expressionTerm sortDirection?
    ;

// ---------------------------------------------------------------------------------------------
// Identifiers. Declaration keywords are reserved; the rest may name things.
// ---------------------------------------------------------------------------------------------

identifier
    : IDENTIFIER
    | DELIMITED_IDENTIFIER
    | softKeyword
    ;

// Query and record aliases are plain names, never keywords, so `X before Y` cannot read as a query.
aliasName
    : IDENTIFIER
    | DELIMITED_IDENTIFIER
    ;

referentialIdentifier
    : identifier
    ;

softKeyword
    : 'after' | 'all' | 'amends' | 'any' | 'approved' | 'asc' | 'ascending' | 'attested' | 'awareness'
    | 'before' | 'blocks' | 'calendar' | 'collect' | 'complete' | 'completed' | 'critical' | 'data' | 'date' | 'day'
    | 'decided' | 'decisions' | 'default' | 'desc' | 'descending' | 'deviation' | 'display' | 'due' | 'each' | 'emit'
    | 'entry' | 'error' | 'escalate' | 'evaluate' | 'every' | 'expect' | 'final' | 'first' | 'follow' | 'function'
    | 'gate' | 'hit' | 'hour' | 'includes' | 'indication' | 'initial' | 'input' | 'meaning' | 'meets' | 'message'
    | 'met' | 'millisecond' | 'minute' | 'missed' | 'month' | 'notice' | 'notify' | 'number' | 'occurs' | 'on'
    | 'otherwise' | 'output' | 'overlaps' | 'permuted' | 'ratio' | 'reason' | 'record' | 'region' | 'rejected' | 'remind'
    | 'report' | 'requires' | 'returns' | 'same' | 'second' | 'seed' | 'severity' | 'signature' | 'sponsor' | 'start'
    | 'starts' | 'ends' | 'stop' | 'stratified' | 'study' | 'subject' | 'system' | 'task' | 'time' | 'timezoneoffset'
    | 'title' | 'unique' | 'unknown' | 'up' | 'version' | 'warning' | 'week' | 'window' | 'within' | 'withdraw' | 'year'
    | 'Code' | 'Concept' | 'List' | 'Interval' | 'Tuple' | 'Choice' | 'query' | 'per' | 'classify'
    ;

// ---------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------

// Quoted texts: "..." for titles, names and codes in declarations (and CQL quoted identifiers in
// expressions); '...' for CQL string literals and UCUM units.
STRING
    : '"' (ESC | ~["\\\r\n])* '"'
    ;

STRING_LITERAL
    : '\'' (ESC | ~['\\\r\n])* '\''
    ;

// A quote left open to the end of its line: reported once, then read as if it were closed.
UNTERMINATED_STRING
    : '"' (ESC | ~["\\\r\n])*
    ;

UNTERMINATED_STRING_LITERAL
    : '\'' (ESC | ~['\\\r\n])*
    ;

DELIMITED_IDENTIFIER
    : '`' (ESC | ~[`\\])* '`'
    ;

DATETIME
    : '@' DATE_FORMAT 'T' TIME_FORMAT? TIMEZONE_OFFSET?
    ;

DATE
    : '@' DATE_FORMAT
    ;

TIME
    : '@' 'T' TIME_FORMAT
    ;

LONG
    : [0-9]+ 'L'
    ;

DECIMAL
    : [0-9]+ '.' [0-9]+
    ;

INTEGER
    : [0-9]+
    ;

IDENTIFIER
    : ([A-Za-z] | '_') ([A-Za-z0-9] | '_')*
    ;

WS
    : [ \r\n\t\u000C]+ -> channel(HIDDEN)
    ;

LINE_COMMENT
    : '//' ~[\r\n]* -> channel(HIDDEN)
    ;

BLOCK_COMMENT
    : '/*' .*? '*/' -> channel(HIDDEN)
    ;

// Anything else is one unexpected character: the parser reports it with its position.
UNEXPECTED_CHARACTER
    : .
    ;

fragment DATE_FORMAT
    : [0-9][0-9][0-9][0-9] ('-' [0-9][0-9] ('-' [0-9][0-9])?)?
    ;

fragment TIME_FORMAT
    : [0-9][0-9] (':' [0-9][0-9] (':' [0-9][0-9] ('.' [0-9]+)?)?)?
    ;

fragment TIMEZONE_OFFSET
    : 'Z'
    | ('+' | '-') [0-9][0-9] ':' [0-9][0-9]
    ;

// Any escaped character lexes; the syntax builder reports the ones the language does not define.
fragment ESC
    : '\\' ~[\r\n]
    ;
